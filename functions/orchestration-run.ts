/**
 * The run orchestration and its activities. Activities are thin: they call the run activities built from the
 * app's services; the orchestrator is deterministic and calls them through the typed handles below.
 */
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import type { FinishRequest, StepRequest } from '../shared/orchestration/run-activities';
import { createRunOrchestrator, RUN_ORCHESTRATION } from '../shared/orchestration/run-orchestrator';
import type { RunOrchestrationInput } from '../shared/orchestration/run-service';

const activities = () => getServices().runActivities();

export const prepareRun = df.app.activity('runPrepare', {
  handler: (input: RunOrchestrationInput) => activities().prepare(input),
});
export const runStep = df.app.activity('runStep', { handler: (input: StepRequest) => activities().runStep(input) });
export const finishRun = df.app.activity('runFinish', {
  handler: (input: FinishRequest) => activities().finish(input),
});

df.app.orchestration(
  RUN_ORCHESTRATION,
  createRunOrchestrator({ prepare: prepareRun, step: runStep, finish: finishRun }),
);
