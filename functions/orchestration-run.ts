/**
 * The run orchestration and its activities. Activities are thin: they call the run activities built from the
 * app's services; the orchestrator is deterministic and calls them through typed handles with their retry policies.
 */
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import {
  RUN_ACTIVITY_RETRIES,
  type FinishRequest,
  type PrepareRequest,
  type RunActivities,
  type StepRequest,
} from '../shared/orchestration/run-activities';
import { activityHandles } from '../shared/platform/durable/activity-handles';
import { createRunOrchestrator, RUN_ORCHESTRATION } from '../shared/orchestration/run-orchestrator';

const activities = () => getServices().runActivities();

const registered = {
  prepare: df.app.activity('runPrepare', { handler: (input: PrepareRequest) => activities().prepare(input) }),
  runStep: df.app.activity('runStep', { handler: (input: StepRequest) => activities().runStep(input) }),
  finish: df.app.activity('runFinish', { handler: (input: FinishRequest) => activities().finish(input) }),
};

df.app.orchestration(
  RUN_ORCHESTRATION,
  createRunOrchestrator(activityHandles<RunActivities>(registered, RUN_ACTIVITY_RETRIES)),
);
