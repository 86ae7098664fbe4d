import type { Pack } from '../api/types';

export { scopeLabel, scopeLabels } from '../../../shared/connectors/scope-labels';

/** The accounts a pack needs and the exact permissions (OAuth scopes) it asks for on each. */
export function packRequirements(pack: Pick<Pack, 'scopes'>): { provider: string; scopes: string[] }[] {
  return Object.entries(pack.scopes)
    .filter(([, scopes]) => scopes.length > 0)
    .map(([provider, scopes]) => ({ provider, scopes: [...scopes].sort() }));
}
