import type { RiskFlag, SuggestionKind } from './kinds';

/** Who a payload sends to or invites (lower-cased). */
function recipientsOfPayload(kind: SuggestionKind, payload: Record<string, unknown>): string[] {
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  switch (kind) {
    case 'email.reply':
    case 'email.draft':
      return [...list(payload.to), ...list(payload.cc)].map((a) => a.toLowerCase());
    case 'calendar.create':
      return list(payload.attendees).map((a) => a.toLowerCase());
    default:
      return [];
  }
}

/**
 * The person may change recipients when editing (an agent never can: they come from the source's headers). Added
 * ones are flagged on the suggestion, so the audit trail's before/after shows them.
 */
export function addedRecipientsFlag(
  kind: SuggestionKind,
  proposed: Record<string, unknown>,
  edited: Record<string, unknown>,
): RiskFlag | undefined {
  const before = new Set(recipientsOfPayload(kind, proposed));
  const added = recipientsOfPayload(kind, edited).filter((a) => !before.has(a));
  if (added.length === 0) return undefined;
  return { code: 'added-recipients', message: `You added ${added.join(', ')}, who the agent had not addressed.` };
}
