import { ConflictError, ValidationError } from '../../platform/errors';
import { PROVIDER_LABEL } from '../access-tokens';
import type { ConnectorRecord } from '../connector-record';
import type { ConnectorFamily, FamilyNeed, ProviderName } from '../types';
import { familyOfScope, isWriteScope, scopesFor, type OAuthProviderConfig } from './provider-configs';

/**
 * What a consent asks for: the families named (directly or through scopes), else those the installed agents need,
 * else all the provider offers; plus, on a reconnect, what the connector already reads. Write scopes only where an
 * installed agent sends or writes (or the request names one): read-only otherwise, and a write scope the last such
 * agent needed is not asked again.
 */
export function planConsent(
  provider: ProviderName,
  config: OAuthProviderConfig,
  request: { families?: ConnectorFamily[]; scopes?: string[] },
  installedNeeds: FamilyNeed[],
  existing: ConnectorRecord | undefined,
): { families: ConnectorFamily[]; scopes: string[] } {
  const label = PROVIDER_LABEL[provider];
  const asked = [...(request.families ?? [])];
  const askedWrite = new Set<ConnectorFamily>();
  for (const [i, scope] of (request.scopes ?? []).entries()) {
    const family = familyOfScope(config, scope);
    if (!family)
      throw new ValidationError(`${label} has no permission called "${scope.slice(0, 100)}".`, [
        { path: `scopes[${i}]`, message: 'unknown scope' },
      ]);
    asked.push(family);
    if (isWriteScope(config, scope)) askedWrite.add(family);
  }
  let families = [...new Set(asked)].filter((f) => config.families.includes(f));
  if (asked.length && families.length === 0) {
    throw new ConflictError(`${label} does not offer ${[...new Set(asked)].join(', ')}.`);
  }
  const installed = installedNeeds.filter((n) => config.families.includes(n.family));
  if (families.length === 0) families = installed.map((n) => n.family);
  if (families.length === 0) families = [...config.families];
  if (existing) {
    // Incremental consent: keep the families the connector already reads and add what is asked for.
    if (existing.provider !== provider) throw new ConflictError(`That connector is not a ${label} connector.`);
    families = [...new Set([...existing.families, ...families])];
  }
  const writes = new Set([...askedWrite, ...installed.filter((n) => n.write).map((n) => n.family)]);
  const needs: FamilyNeed[] = families.map((family) => ({ family, write: writes.has(family) }));
  return { families, scopes: scopesFor(config, needs) };
}

/** The provider's consent page for an authorization code flow with PKCE (S256). */
export function consentUrl(
  config: OAuthProviderConfig,
  flow: {
    clientId: string;
    redirectUri: string;
    state: string;
    codeChallenge: string;
    scopes: string[];
    dropsScopes: boolean;
  },
): string {
  const url = new URL(config.authUrl);
  const params: Record<string, string> = {
    client_id: flow.clientId,
    redirect_uri: flow.redirectUri,
    response_type: 'code',
    state: flow.state,
    code_challenge: flow.codeChallenge,
    code_challenge_method: 'S256',
    ...config.authParams,
  };
  // A consent that asks for fewer scopes than granted before must not ask the provider to add the old ones back.
  if (flow.dropsScopes) delete params.include_granted_scopes;
  if (flow.scopes.length) params.scope = flow.scopes.join(' ');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
