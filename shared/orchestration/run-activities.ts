import { RetryOptions } from 'durable-functions';
import { runContext, type RunActivityDeps } from './run-context';
import { createFinish } from './run-finish';
import type { ActivityHandles, ActivityRetries } from '../platform/durable/activity-handles';
import { createPrepare } from './run-prepare';
import { createRunStep } from './run-step';

export type {
  FinishRequest,
  PrepareRequest,
  PrepareResult,
  RunActivityDeps,
  StepRequest,
  StepResult,
} from './run-context';

/**
 * The run's activities, built from their dependencies. Each is idempotent enough to be retried and records
 * everything it did on the run document, so a failed step never loses earlier steps' results.
 */
export function createRunActivities(deps: RunActivityDeps) {
  const ctx = runContext(deps);
  const finish = createFinish(ctx);
  return { prepare: createPrepare(ctx, finish), runStep: createRunStep(ctx), finish };
}

export type RunActivities = ReturnType<typeof createRunActivities>;

/** The handles the run orchestrator calls, typed by the activities above. */
export type RunActivityHandles = ActivityHandles<RunActivities>;

/**
 * Retry policies, one per activity. Prepare and finish only touch our own stores and are idempotent, so a transient
 * store failure is retried. Steps are not retried by Durable: the gateway already retries the model, the hub the
 * connectors, and a step that failed records why on the run.
 */
const STORE_RETRY = new RetryOptions(2_000, 3);
export const RUN_ACTIVITY_RETRIES: ActivityRetries<RunActivities> = {
  prepare: STORE_RETRY,
  runStep: null,
  finish: STORE_RETRY,
};
