import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import type { FinishRequest, RunActivityHandles, StepRequest, StepResult } from './run-activities';
import { result, type TypedTask } from '../platform/durable/activity-handles';
import type { RunOrchestrationInput } from './run-service';
import type { RunProgress } from './run-model';

export const RUN_ORCHESTRATION = 'agentRun';

/**
 * One run = one orchestration: prepare (limits, status), the steps (sequential: each reads the previous results;
 * parallel: fan-out, then the coordinator over all results), finish. Deterministic: no I/O, no clock, no random.
 * Activity calls per run are 2 + steps, whatever the number of messages the steps read.
 */
export function createRunOrchestrator(handles: RunActivityHandles): OrchestrationHandler {
  return function* runOrchestrator(context: OrchestrationContext): Generator<Task, string, unknown> {
    const { tenantId, runId } = context.df.getInput() as RunOrchestrationInput;
    const progress = (p: RunProgress) => context.df.setCustomStatus(p);
    const all = <T>(tasks: TypedTask<T>[]) => context.df.Task.all(tasks) as TypedTask<T[]>;
    progress({ stage: 'preparing', completedSteps: 0, totalSteps: 0, currentStep: null });

    const plan = yield* result(handles.prepare({ tenantId, runId }));
    if (!plan.proceed) {
      progress({ stage: 'done', completedSteps: 0, totalSteps: 0, currentStep: null });
      return 'not-started';
    }
    const total = plan.stepIds.length + (plan.coordinatorStepId ? 1 : 0);
    let completed = 0;
    let outcome: FinishRequest['outcome'] = 'completed';
    const step = (stepId: string, previousStepIds: string[]) =>
      handles.runStep({ tenantId, runId, stepId, previousStepIds } satisfies StepRequest);
    const halted = (r: StepResult) => (r.status === 'completed' ? undefined : r.status);

    try {
      if (plan.mode === 'parallel') {
        progress({ stage: 'running', completedSteps: 0, totalSteps: total, currentStep: plan.stepIds.join(',') });
        const results = yield* result(all(plan.stepIds.map((id) => step(id, []))));
        completed += results.length;
        const stopped = results.map(halted).find(Boolean);
        if (stopped) outcome = stopped;
        else if (plan.coordinatorStepId) {
          progress({
            stage: 'coordinating',
            completedSteps: completed,
            totalSteps: total,
            currentStep: plan.coordinatorStepId,
          });
          const merged = yield* result(step(plan.coordinatorStepId, plan.stepIds));
          completed++;
          outcome = halted(merged) ?? outcome;
        }
      } else {
        const done: string[] = [];
        for (const stepId of plan.stepIds) {
          progress({ stage: 'running', completedSteps: completed, totalSteps: total, currentStep: stepId });
          const stepResult = yield* result(step(stepId, [...done]));
          completed++;
          const stopped = halted(stepResult);
          if (stopped) {
            outcome = stopped;
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
    const status = yield* result(handles.finish({ tenantId, runId, outcome }));
    progress({ stage: 'done', completedSteps: completed, totalSteps: total, currentStep: null });
    return status;
  };
}
