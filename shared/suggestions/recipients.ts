import type { RiskFlag, SuggestionKind } from './kinds';
import { recipientsOf } from './proposal-text';

const lowerCased = (kind: SuggestionKind, payload: object) => recipientsOf(kind, payload).map((a) => a.toLowerCase());

/**
 * The person may change recipients when editing (an agent never can: they come from the source's headers). Added
 * ones are flagged on the suggestion, so the audit trail's before/after shows them.
 */
export function addedRecipientsFlag(
  kind: SuggestionKind,
  proposed: Record<string, unknown>,
  edited: Record<string, unknown>,
): RiskFlag | undefined {
  const before = new Set(lowerCased(kind, proposed));
  const added = lowerCased(kind, edited).filter((a) => !before.has(a));
  if (added.length === 0) return undefined;
  return { code: 'added-recipients', message: `You added ${added.join(', ')}, who the agent had not addressed.` };
}
