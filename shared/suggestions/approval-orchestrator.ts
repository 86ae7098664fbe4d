import type * as df from 'durable-functions';
import { result, type ActivityHandles } from '../platform/durable/activity-handles';
import type { ApprovalActivities, ApprovalInput } from './approval-activities';
import type { SuggestionStatus } from './model';
import type { ApprovalState } from './service-contract';

export const APPROVAL_ORCHESTRATOR = 'suggestionApproval';
export const DECISION_EVENT = 'decision';

/** One approval wait per suggestion; the id carries the tenant so erasure can find it. */
export function approvalInstanceId(tenantId: string, suggestionId: string): string {
  return `approval:${tenantId}:${suggestionId}`;
}

/** Durable timers are kept under six days; longer waits are chained. */
const MAX_TIMER_MS = 6 * 86_400_000 - 60_000;

/**
 * The approval wait: whichever comes first of the person's decision and the expiry deadline, with a reminder
 * before the deadline; then, if approved, the action is carried out (exactly once: see SuggestionService.execute),
 * after the undo window when it sends mail.
 * The suggestion document is the source of truth: a decision made before this wait started is found by the first
 * state read, and one made while it runs arrives as the `decision` event (buffered if it comes early).
 * Deterministic: time comes from the orchestration context only. The handles carry each activity's retry policy.
 */
export function createApprovalOrchestrator(activities: ActivityHandles<ApprovalActivities>) {
  return function* approvalOrchestrator(
    context: df.OrchestrationContext,
  ): Generator<df.Task, SuggestionStatus, unknown> {
    const input = context.df.getInput<ApprovalInput>();
    let state: ApprovalState = yield* result(activities.state(input));

    if (state.status === 'pending') {
      const deadline = Date.parse(state.expiresAt);
      const remindAt = input.reminderBeforeSeconds > 0 ? deadline - input.reminderBeforeSeconds * 1000 : undefined;
      let reminded =
        !!state.reminderSentAt || remindAt === undefined || remindAt <= context.df.currentUtcDateTime.getTime();
      const decision = context.df.waitForExternalEvent(DECISION_EVENT);
      for (;;) {
        const now = context.df.currentUtcDateTime.getTime();
        if (now >= deadline) {
          context.df.setCustomStatus({ stage: 'expiring' });
          // Expires only a still-pending suggestion; a decision whose signal was lost is carried out below.
          state = { ...state, status: yield* result(activities.expire(input)) };
          break;
        }
        const next = Math.min(reminded ? deadline : Math.min(remindAt!, deadline), now + MAX_TIMER_MS);
        context.df.setCustomStatus({ stage: 'waiting', until: new Date(deadline).toISOString() });
        const timer = context.df.createTimer(new Date(next));
        const winner = yield context.df.Task.any([decision, timer]);
        if (winner === decision) {
          timer.cancel();
          // The event says which decision was stored; execute() checks the stored state again before acting.
          const said = (decision.result as { decision?: string } | undefined)?.decision;
          if (said === 'reject') return 'rejected';
          // Read again: an approved send carries the time it is held until (and may already have been cancelled).
          state = yield* result(activities.state(input));
          break;
        }
        if (!reminded && context.df.currentUtcDateTime.getTime() >= remindAt!) {
          yield* result(activities.remind(input));
          reminded = true;
        }
      }
    }

    // An approved send waits out the person's undo window; cancelling it in that time leaves nothing to carry out
    // (execute claims only a suggestion that is still approved).
    if (state.status === 'approved' && state.heldUntil) {
      const until = Date.parse(state.heldUntil);
      if (until > context.df.currentUtcDateTime.getTime()) {
        context.df.setCustomStatus({ stage: 'held', until: state.heldUntil });
        yield context.df.createTimer(new Date(until));
      }
    }

    if (state.status === 'approved' || state.status === 'executing') {
      context.df.setCustomStatus({ stage: 'executing' });
      try {
        return yield* result(activities.execute(input));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return yield* result(activities.markFailed({ ...input, error: message.split('\n')[0]!.slice(0, 300) }));
      }
    }
    return state.status;
  };
}
