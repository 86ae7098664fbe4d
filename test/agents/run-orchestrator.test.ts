import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as df from 'durable-functions';
import {
  RUN_ACTIVITY_RETRIES,
  type FinishRequest,
  type PrepareResult,
  type RunActivities,
  type RunActivityHandles,
  type StepRequest,
  type StepResult,
} from '../../shared/orchestration/run-activities';
import { activityHandles } from '../../shared/platform/durable/activity-handles';
import { createRunOrchestrator } from '../../shared/orchestration/run-orchestrator';
import type { RunProgress } from '../../shared/orchestration/run-model';

/**
 * Drives the run orchestrator's generator the way the Durable replay does: every activity call becomes a task the
 * script answers (or fails), `Task.all` answers every step of a parallel fan-out at once. No I/O, no clock.
 */
type Script = {
  plan: PrepareResult;
  /** A step's result, or an error the step activity failed with. */
  step?: (request: StepRequest) => StepResult['status'] | Error;
};

interface Call {
  activity: 'prepare' | 'runStep' | 'finish';
  input: unknown;
}

function replay(script: Script) {
  const calls: Call[] = [];
  const progress: RunProgress[] = [];
  const task = (activity: Call['activity']) => (input: unknown) => ({ kind: 'activity', activity, input });
  const handles = {
    prepare: task('prepare'),
    runStep: task('runStep'),
    finish: task('finish'),
  } as unknown as RunActivityHandles;
  const context = {
    df: {
      getInput: () => ({ tenantId: 't1', runId: 'r1' }),
      setCustomStatus: (p: RunProgress) => progress.push(p),
      Task: { all: (tasks: unknown[]) => ({ kind: 'all', tasks }) },
    },
  } as unknown as df.OrchestrationContext;

  const answer = (t: { activity: Call['activity']; input: unknown }): { value: unknown } | { error: Error } => {
    calls.push({ activity: t.activity, input: t.input });
    if (t.activity === 'prepare') return { value: script.plan };
    if (t.activity === 'finish') return { value: `finished:${(t.input as FinishRequest).outcome}` };
    const request = t.input as StepRequest;
    const outcome = script.step?.(request) ?? 'completed';
    return outcome instanceof Error ? { error: outcome } : { value: { stepId: request.stepId, status: outcome } };
  };

  const gen = createRunOrchestrator(handles)(context) as Generator<unknown, string, unknown>;
  let next = gen.next();
  for (let guard = 0; !next.done && guard < 100; guard++) {
    const yielded = next.value as { kind: string; activity: Call['activity']; input: unknown; tasks?: unknown[] };
    const answers = yielded.kind === 'all' ? (yielded.tasks as (typeof yielded)[]).map(answer) : [answer(yielded)];
    const failed = answers.find((a): a is { error: Error } => 'error' in a);
    next = failed
      ? gen.throw(failed.error)
      : gen.next(
          yielded.kind === 'all'
            ? answers.map((a) => (a as { value: unknown }).value)
            : (answers[0] as { value: unknown }).value,
        );
  }
  assert.ok(next.done, 'the orchestration finished');
  return { status: next.value, calls, progress };
}

const stepsOf = (calls: Call[]) =>
  calls
    .filter((c) => c.activity === 'runStep')
    .map((c) => `${(c.input as StepRequest).stepId}<${(c.input as StepRequest).previousStepIds.join(',')}`);

describe('run orchestrator (replayed with scripted activity results)', () => {
  test('a run that may not start calls prepare only and finishes nothing', () => {
    const { status, calls } = replay({ plan: { proceed: false } });
    assert.equal(status, 'not-started');
    assert.deepEqual(
      calls.map((c) => c.activity),
      ['prepare'],
    );
  });

  test('sequential steps each read the steps before them, then the run finishes completed', () => {
    const { status, calls, progress } = replay({
      plan: { proceed: true, mode: 'sequential', stepIds: ['a', 'b', 'c'], coordinatorStepId: null },
    });
    assert.deepEqual(stepsOf(calls), ['a<', 'b<a', 'c<a,b']);
    assert.equal(status, 'finished:completed');
    assert.deepEqual(progress.at(-1), { stage: 'done', completedSteps: 3, totalSteps: 3, currentStep: null });
  });

  test('a sequential step that reaches a limit stops the run there: later steps never start', () => {
    const { status, calls } = replay({
      plan: { proceed: true, mode: 'sequential', stepIds: ['a', 'b', 'c'], coordinatorStepId: null },
      step: (r) => (r.stepId === 'b' ? 'stopped' : 'completed'),
    });
    assert.deepEqual(stepsOf(calls), ['a<', 'b<a']);
    assert.equal(status, 'finished:stopped');
  });

  test('parallel steps fan out at once, then the coordinator reads all of them', () => {
    const { status, calls } = replay({
      plan: { proceed: true, mode: 'parallel', stepIds: ['x', 'y'], coordinatorStepId: 'coordinator' },
    });
    assert.deepEqual(stepsOf(calls), ['x<', 'y<', 'coordinator<x,y']);
    assert.equal(status, 'finished:completed');
  });

  test('a parallel step stopped by a limit skips the coordinator and the run finishes stopped', () => {
    const { status, calls } = replay({
      plan: { proceed: true, mode: 'parallel', stepIds: ['x', 'y', 'z'], coordinatorStepId: 'coordinator' },
      step: (r) => (r.stepId === 'y' ? 'stopped' : 'completed'),
    });
    assert.deepEqual(stepsOf(calls), ['x<', 'y<', 'z<']);
    assert.equal(status, 'finished:stopped');
  });

  test('a step that fails makes the run finish failed, with the earlier steps kept', () => {
    const { status, calls } = replay({
      plan: { proceed: true, mode: 'sequential', stepIds: ['a', 'b'], coordinatorStepId: null },
      step: (r) => (r.stepId === 'b' ? new Error("Activity function 'runStep' failed") : 'completed'),
    });
    assert.deepEqual(stepsOf(calls), ['a<', 'b<a']);
    assert.equal(status, 'finished:failed');
    assert.deepEqual(calls.at(-1), { activity: 'finish', input: { tenantId: 't1', runId: 'r1', outcome: 'failed' } });
  });
});

describe('run activity handles', () => {
  test('prepare and finish are retried on a store failure; steps are not', () => {
    const registered = (name: string) =>
      Object.assign(() => ({ name, withRetry: (options: unknown) => ({ name, retried: options }) }), {}) as never;
    const handles = activityHandles<RunActivities>(
      { prepare: registered('prepare'), runStep: registered('runStep'), finish: registered('finish') },
      RUN_ACTIVITY_RETRIES,
    );
    const retried = (task: unknown) => 'retried' in (task as object);
    assert.equal(retried(handles.prepare({ tenantId: 't', runId: 'r' })), true);
    assert.equal(retried(handles.finish({ tenantId: 't', runId: 'r', outcome: 'completed' })), true);
    assert.equal(retried(handles.runStep({ tenantId: 't', runId: 'r', stepId: 's', previousStepIds: [] })), false);
  });
});
