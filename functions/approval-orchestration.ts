/**
 * The approval wait (one orchestration per suggestion) and its activities. The orchestrator's logic lives in
 * shared/suggestions/approval-orchestrator.ts; activities call the suggestion service and the notifier.
 */
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import {
  APPROVAL_ORCHESTRATOR,
  EXECUTE_RETRY,
  createApprovalOrchestrator,
  type ApprovalInput,
} from '../shared/suggestions/approval-orchestrator';

const state = df.app.activity('approvalState', {
  handler: (input: ApprovalInput) => getServices().suggestions().approvalState(input.tenantId, input.suggestionId),
});

const remind = df.app.activity('approvalReminder', {
  handler: async (input: ApprovalInput) => {
    const services = getServices();
    // Marked first: a retried activity never sends a second reminder.
    if (!(await services.suggestions().markReminded(input.tenantId, input.suggestionId))) return false;
    return services.notifier().reminder(input.tenantId, input.suggestionId);
  },
});

const expire = df.app.activity('approvalExpire', {
  handler: (input: ApprovalInput) => getServices().suggestions().expire(input.tenantId, input.suggestionId),
});

const execute = df.app.activity('approvalExecute', {
  handler: (input: ApprovalInput) => getServices().suggestions().execute(input.tenantId, input.suggestionId),
});

const markFailed = df.app.activity('approvalMarkFailed', {
  handler: (input: ApprovalInput & { error: string }) =>
    getServices().suggestions().markFailed(input.tenantId, input.suggestionId, input.error),
});

const retryOptions = new df.RetryOptions(
  EXECUTE_RETRY.firstRetryIntervalInMilliseconds,
  EXECUTE_RETRY.maxNumberOfAttempts,
);
retryOptions.backoffCoefficient = EXECUTE_RETRY.backoffCoefficient;
retryOptions.maxRetryIntervalInMilliseconds = EXECUTE_RETRY.maxRetryIntervalInMilliseconds;

df.app.orchestration(
  APPROVAL_ORCHESTRATOR,
  createApprovalOrchestrator({ state, remind, expire, execute, markFailed }, (task) =>
    (task as df.RegisteredActivityTask).withRetry(retryOptions),
  ),
);
