import { RetryOptions } from 'durable-functions';
import type { ActivityRetries } from '../platform/durable/activity-handles';
import type { SuggestionService } from './service-contract';

/** What every step of a suggestion's approval wait is given. */
export interface ApprovalInput {
  tenantId: string;
  suggestionId: string;
  /** Send a reminder this long before expiry (0: none). */
  reminderBeforeSeconds: number;
}

export interface ApprovalActivityDeps {
  suggestions: () => Pick<SuggestionService, 'approvalState' | 'markReminded' | 'expire' | 'execute' | 'markFailed'>;
  /** Emails the person a reminder of the pending suggestion; false when nothing was sent. */
  sendReminder: (tenantId: string, suggestionId: string) => Promise<boolean>;
}

/**
 * The approval wait's activities. Each is one step against the suggestion service; they throw on failure so Durable
 * retries work, and each is safe to run again (the service checks the stored state first).
 */
export function createApprovalActivities(deps: ApprovalActivityDeps) {
  return {
    state: (input: ApprovalInput) => deps.suggestions().approvalState(input.tenantId, input.suggestionId),
    async remind(input: ApprovalInput): Promise<boolean> {
      // Marked first: a retried activity never sends a second reminder.
      if (!(await deps.suggestions().markReminded(input.tenantId, input.suggestionId))) return false;
      return deps.sendReminder(input.tenantId, input.suggestionId);
    },
    expire: (input: ApprovalInput) => deps.suggestions().expire(input.tenantId, input.suggestionId),
    execute: (input: ApprovalInput) => deps.suggestions().execute(input.tenantId, input.suggestionId),
    markFailed: (input: ApprovalInput & { error: string }) =>
      deps.suggestions().markFailed(input.tenantId, input.suggestionId, input.error),
  };
}

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;

/**
 * Carrying out the action is retried with backoff (the provider may be briefly down; the idempotency key makes a
 * retry safe). The other steps only read or write the suggestion; Durable does not retry them.
 */
export const APPROVAL_ACTIVITY_RETRIES: ActivityRetries<ApprovalActivities> = {
  state: null,
  remind: null,
  expire: null,
  execute: Object.assign(new RetryOptions(2_000, 5), {
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 60_000,
  }),
  markFailed: null,
};
