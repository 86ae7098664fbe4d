import {
  RetryOptions,
  type OrchestrationContext,
  type OrchestrationHandler,
  type RegisteredActivity,
  type Task,
} from 'durable-functions';
import type { FinishRequest, PrepareResult, StepRequest, StepResult } from './run-activities';
import type { RunOrchestrationInput } from './run-service';
import type { RunProgress } from './run-model';

/** The typed activity handles the orchestrator calls (from `df.app.activity`). */
export interface RunActivityHandles {
  prepare: RegisteredActivity;
  step: RegisteredActivity;
  finish: RegisteredActivity;
}

export const RUN_ORCHESTRATION = 'agentRun';

/**
 * Prepare and finish only touch our own stores and are idempotent, so a transient store failure is retried. Steps are
 * not retried by Durable: the gateway already retries the model, the hub the connectors, and a step that failed
 * records why on the run.
 */
const STORE_RETRY = new RetryOptions(2_000, 3);

/**
 * One run = one orchestration: prepare (limits, status), the steps (sequential: each reads the previous results;
 * parallel: fan-out, then the coordinator over all results), finish. Deterministic: no I/O, no clock, no random.
 * Activity calls per run are 2 + steps, whatever the number of messages the steps read.
 */
export function createRunOrchestrator(handles: RunActivityHandles): OrchestrationHandler {
  return function* runOrchestrator(context: OrchestrationContext): Generator<Task, string, unknown> {
    const { tenantId, runId } = context.df.getInput() as RunOrchestrationInput;
    const progress = (p: RunProgress) => context.df.setCustomStatus(p);
    progress({ stage: 'preparing', completedSteps: 0, totalSteps: 0, currentStep: null });

    const plan = (yield handles.prepare({ tenantId, runId }).withRetry(STORE_RETRY)) as PrepareResult;
    if (!plan.proceed) {
      progress({ stage: 'done', completedSteps: 0, totalSteps: 0, currentStep: null });
      return 'not-started';
    }
    const total = plan.stepIds.length + (plan.coordinatorStepId ? 1 : 0);
    let completed = 0;
    let outcome: FinishRequest['outcome'] = 'completed';
    const stepRequest = (stepId: string, previousStepIds: string[]): StepRequest => ({
      tenantId,
      runId,
      stepId,
      previousStepIds,
    });

    try {
      if (plan.mode === 'parallel') {
        progress({ stage: 'running', completedSteps: 0, totalSteps: total, currentStep: plan.stepIds.join(',') });
        const results = (yield context.df.Task.all(
          plan.stepIds.map((id) => handles.step(stepRequest(id, []))),
        )) as StepResult[];
        completed += results.length;
        const halted = results.find((r) => r.status !== 'completed');
        if (halted) outcome = halted.status as FinishRequest['outcome'];
        else if (plan.coordinatorStepId) {
          progress({
            stage: 'coordinating',
            completedSteps: completed,
            totalSteps: total,
            currentStep: plan.coordinatorStepId,
          });
          const merged = (yield handles.step(stepRequest(plan.coordinatorStepId, plan.stepIds))) as StepResult;
          completed++;
          if (merged.status !== 'completed') outcome = merged.status as FinishRequest['outcome'];
        }
      } else {
        const done: string[] = [];
        for (const stepId of plan.stepIds) {
          progress({ stage: 'running', completedSteps: completed, totalSteps: total, currentStep: stepId });
          const result = (yield handles.step(stepRequest(stepId, [...done]))) as StepResult;
          completed++;
          if (result.status !== 'completed') {
            outcome = result.status as FinishRequest['outcome'];
            break;
          }
          done.push(stepId);
        }
      }
    } catch {
      // The failing step recorded its safe reason on the run; earlier steps keep their results.
      outcome = 'failed';
    }
    progress({ stage: 'finishing', completedSteps: completed, totalSteps: total, currentStep: null });
    const status = (yield handles
      .finish({ tenantId, runId, outcome } satisfies FinishRequest)
      .withRetry(STORE_RETRY)) as string;
    progress({ stage: 'done', completedSteps: completed, totalSteps: total, currentStep: null });
    return status;
  };
}
