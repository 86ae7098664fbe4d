import type { z } from 'zod';
import { normalizedScope, scopesFor, type OAuthProviderConfig } from './oauth/provider-configs';
import { scopeLabel } from './scope-labels';
import type { ConnectorFamily, ConnectorInfo, FamilyNeed, ProviderName } from './types';
import type { missingPermissionView } from './view';

export type MissingPermission = z.infer<typeof missingPermissionView>;

/**
 * The permissions `needs` call for that one connection was not granted. A family the connection serves needs its
 * read scopes and, where an agent sends or writes, its write scopes (what a consent for those needs asks); a family
 * none of the person's connections serves is needed from every connection whose vendor offers it. Identity scopes
 * are not compared (vendors answer them under other names).
 */
function missingPermissions(
  config: OAuthProviderConfig,
  connector: Pick<ConnectorInfo, 'families' | 'scopes'>,
  needs: FamilyNeed[],
  servedByAny: ReadonlySet<ConnectorFamily>,
): MissingPermission[] {
  const relevant = needs.filter(
    (n) => config.families.includes(n.family) && (connector.families.includes(n.family) || !servedByAny.has(n.family)),
  );
  const granted = new Set(connector.scopes.map(normalizedScope));
  const identity = new Set(config.baseScopes.map(normalizedScope));
  const missing: MissingPermission[] = [];
  for (const need of relevant) {
    for (const scope of scopesFor(config, [need])) {
      const key = normalizedScope(scope);
      if (identity.has(key) || granted.has(key) || missing.some((m) => m.scope === scope)) continue;
      missing.push({ scope, label: scopeLabel(scope), family: need.family });
    }
  }
  return missing;
}

/**
 * Connections as the person sees them: each working one that lacks a permission `needs` call for shows
 * `needs_permission` and lists what is missing. A connection that must be reconnected keeps saying so.
 */
export function withPermissions(
  connectors: ConnectorInfo[],
  needs: FamilyNeed[],
  configOf: (provider: ProviderName) => OAuthProviderConfig,
  /** All the person's connections (what the others serve), when `connectors` is not all of them. */
  all: ConnectorInfo[] = connectors,
): ConnectorInfo[] {
  const usable = (c: ConnectorInfo) => c.health === 'ok' || c.health === 'expiring';
  const servedByAny = new Set(all.filter(usable).flatMap((c) => c.families));
  return connectors.map((c) => {
    if (!usable(c)) return c;
    const missing = missingPermissions(configOf(c.provider), c, needs, servedByAny);
    return missing.length ? { ...c, health: 'needs_permission', missingPermissions: missing } : c;
  });
}
