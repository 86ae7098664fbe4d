import { useCallback, useState } from 'react';
import { useLeaveGuard } from '../../components/LeaveGuard';
import { PageHeader } from '../../components/states';
import { ApiAccessTokens } from './ApiAccessTokens';
import { ApiAccessWebhooks } from './ApiAccessWebhooks';

/** Settings → API access: personal access tokens and webhooks. */
export function ApiAccessPage() {
  // A token or webhook typed in but not created yet: leaving asks first (one question for the whole page).
  const [unsaved, setUnsaved] = useState({ tokens: false, webhooks: false });
  const tokensUnsaved = useCallback((dirty: boolean) => setUnsaved((u) => ({ ...u, tokens: dirty })), []);
  const webhooksUnsaved = useCallback((dirty: boolean) => setUnsaved((u) => ({ ...u, webhooks: dirty })), []);
  const leave = useLeaveGuard(unsaved.tokens || unsaved.webhooks);
  return (
    <>
      <PageHeader title="API access" subtitle="Tokens for your scripts, webhooks for your integrations." />
      <ApiAccessTokens onUnsavedChange={tokensUnsaved} />
      <ApiAccessWebhooks onUnsavedChange={webhooksUnsaved} />
      {leave.dialog}
    </>
  );
}
