import { PageHeader } from '../../components/states';
import { ApiAccessTokens } from './ApiAccessTokens';
import { ApiAccessWebhooks } from './ApiAccessWebhooks';

/** Settings → API access: personal access tokens and webhooks. */
export function ApiAccessPage() {
  return (
    <>
      <PageHeader title="API access" subtitle="Tokens for your scripts, webhooks for your integrations." />
      <ApiAccessTokens />
      <ApiAccessWebhooks />
    </>
  );
}
