import { ConflictError } from '../platform/errors';
import type { SuggestionStatus } from './model';

/**
 * Every write a stored suggestion accepts, by its current status: the statuses it may move to. This is what the
 * product does, and the suggestion store refuses anything else (see `assertTransition`).
 *
 *   pending   -> approved | rejected   the person decides (web, bulk or an email link)
 *   pending   -> expired               no decision before the deadline
 *   approved  -> executing             the approval wait claims the action (storing its idempotency key)
 *   approved  -> failed                retries ran out before the action was even claimed
 *   approved  -> undone                a held send cancelled in its undo window (nothing reached the provider)
 *   executing -> executed | failed     the provider did it, or refused it for good / retries ran out
 *   executed  -> undone                taken back within the undo window (kinds that allow it)
 *
 * Two updates keep the status: a pending suggestion notes that its reminder went out, and an executing one counts
 * another attempt. Rejected, expired, failed and undone are final.
 */
export const SUGGESTION_TRANSITIONS: Readonly<Record<SuggestionStatus, readonly SuggestionStatus[]>> = {
  pending: ['pending', 'approved', 'rejected', 'expired'],
  approved: ['executing', 'failed', 'undone'],
  executing: ['executing', 'executed', 'failed'],
  executed: ['undone'],
  failed: [],
  rejected: [],
  expired: [],
  undone: [],
};

export function canTransition(from: SuggestionStatus, to: SuggestionStatus): boolean {
  return SUGGESTION_TRANSITIONS[from].includes(to);
}

/** Refuses (409) a write the table does not allow; the stored suggestion stays as it is. */
export function assertTransition(from: SuggestionStatus, to: SuggestionStatus): void {
  if (canTransition(from, to)) return;
  throw new ConflictError(
    from === to
      ? `This suggestion is ${from} and can no longer change.`
      : `This suggestion is ${from} and cannot become ${to}.`,
    { suggestionStatus: from },
  );
}
