import type { Pack } from '../api/types';

/**
 * The accounts a pack needs and the permissions it asks for on each, in the API's words (the one mapping of scopes
 * to words is the server's).
 */
export function packRequirements(
  pack: Pick<Pack, 'scopes' | 'permissions'>,
): { provider: string; scopes: string[]; labels: string[] }[] {
  return Object.entries(pack.scopes)
    .filter(([, scopes]) => scopes.length > 0)
    .map(([provider, scopes]) => ({ provider, scopes: [...scopes].sort(), labels: pack.permissions[provider] ?? [] }));
}

/** Labels of missing permissions, each once. */
export const labelsOf = (permissions: readonly { label: string }[]): string[] => [
  ...new Set(permissions.map((p) => p.label)),
];
