import type { Settings } from '../../platform/config';
import type { ProviderName } from '../types';
import type { TokenSet } from './oauth-client';

/** Who granted access: shown as the connector's account, and its id keeps one connector per account. */
export interface AccountIdentity {
  accountId: string;
  account: string;
}

async function getJson(url: string, accessToken: string, fetchImpl: typeof fetch): Promise<Record<string, unknown>> {
  const response = await fetchImpl(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`identity lookup answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

export async function lookupAccount(
  provider: ProviderName,
  tokens: TokenSet,
  settings: Settings,
  fetchImpl: typeof fetch = fetch,
): Promise<AccountIdentity> {
  switch (provider) {
    case 'google': {
      const info = await getJson(settings.GOOGLE_USERINFO_URL, tokens.accessToken, fetchImpl);
      const email = str(info.email);
      const sub = str(info.sub) ?? str(info.id) ?? email;
      if (!sub) throw new Error('Google did not say who signed in');
      return { accountId: sub, account: email ?? sub };
    }
    case 'microsoft': {
      const me = await getJson(
        `${settings.MICROSOFT_GRAPH_BASE_URL.replace(/\/$/, '')}/v1.0/me`,
        tokens.accessToken,
        fetchImpl,
      );
      const id = str(me.id);
      const account = str(me.mail) ?? str(me.userPrincipalName) ?? id;
      if (!id || !account) throw new Error('Microsoft did not say who signed in');
      return { accountId: id, account };
    }
    case 'notion': {
      const workspaceId = str(tokens.extra.workspace_id);
      const owner = tokens.extra.owner as { user?: { person?: { email?: string }; name?: string } } | undefined;
      const name = str(tokens.extra.workspace_name) ?? str(owner?.user?.person?.email) ?? workspaceId;
      if (!workspaceId || !name) throw new Error('Notion did not say which workspace was shared');
      return { accountId: workspaceId, account: name };
    }
  }
}
