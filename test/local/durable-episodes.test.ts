// The engine's id bookkeeping checked against the durable-functions library's own replay, with a synthetic clock:
// long timers (chained beyond 6 days) and retries interleaved with other work, one new event per episode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as df from 'durable-functions';
import { decideEpisode, historyEvent, type OrchestratorState } from '../../local/durable/episode';
import { EventType, type HistoryEvent, type Instance } from '../../local/durable/model';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module of the library, not exported
const { Orchestrator } = require('durable-functions/lib/src/orchestrations/Orchestrator') as {
  Orchestrator: new (fn: (context: any) => Generator<unknown, unknown, any>) => {
    handle(trigger: unknown, context: unknown): Promise<OrchestratorState>;
  };
};

const DAY = 24 * 3600 * 1000;

function newInstance(input: unknown): Instance {
  const now = new Date(0).toISOString();
  return {
    instanceId: 'episodes-1',
    name: 'test',
    version: '',
    input: JSON.stringify(input),
    runtimeStatus: 'Pending',
    output: null,
    customStatus: null,
    createdTime: now,
    lastUpdatedTime: now,
    executionId: 0,
    history: [],
    inbox: [],
    nextId: 0,
    slots: [],
    activities: [],
    timers: [],
  };
}

/** Runs one episode through the library and the engine's bookkeeping; returns what the engine decided. */
async function episode(
  fn: (context: any) => Generator<unknown, unknown, any>,
  instance: Instance,
  event: HistoryEvent,
  at: number,
) {
  const timestamp = new Date(at).toISOString();
  const history = [
    ...instance.history.map((e) => ({ ...e, IsPlayed: true })),
    historyEvent(EventType.OrchestratorStarted, timestamp),
    { ...event, IsPlayed: false },
  ];
  let state: OrchestratorState | undefined;
  let failure: string | undefined;
  try {
    state = await new Orchestrator(fn).handle(
      {
        history: JSON.parse(JSON.stringify(history)),
        input: JSON.parse(instance.input ?? 'null'),
        instanceId: instance.instanceId,
        isReplaying: false,
        parentInstanceId: null,
        upperSchemaVersion: 1,
        upperSchemaVersionNew: 2,
        longRunningTimerIntervalDuration: '3.00:00:00',
        maximumShortTimerDuration: '6.00:00:00',
        defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
      },
      {},
    );
  } catch (err) {
    failure = (err as Error).message;
  }
  const effects = decideEpisode(instance, event, timestamp, state, failure);
  instance.history.push(...effects.added);
  return effects;
}

const started = (input: unknown) =>
  historyEvent(EventType.ExecutionStarted, new Date(0).toISOString(), { Name: 'test', Input: JSON.stringify(input) });

test('a timer beyond six days becomes a chain of sub-timers, each with its own id', async () => {
  function* tenDays(context: any): Generator<unknown, unknown, any> {
    yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * DAY));
    return 'woke up';
  }
  const instance = newInstance(null);
  const t0 = Date.UTC(2026, 0, 1);
  let effects = await episode(tenDays, instance, started(null), t0);
  assert.deepEqual(effects.timers, [{ timerId: 0, fireAt: new Date(t0 + 3 * DAY).toISOString() }]);

  effects = await episode(tenDays, instance, historyEvent(EventType.TimerFired, '', { TimerId: 0 }), t0 + 3 * DAY);
  assert.deepEqual(effects.timers, [{ timerId: 1, fireAt: new Date(t0 + 6 * DAY).toISOString() }]);
  assert.equal(effects.outcome.kind, 'running');

  effects = await episode(tenDays, instance, historyEvent(EventType.TimerFired, '', { TimerId: 1 }), t0 + 6 * DAY);
  assert.deepEqual(effects.timers, [{ timerId: 2, fireAt: new Date(t0 + 10 * DAY).toISOString() }]);

  effects = await episode(tenDays, instance, historyEvent(EventType.TimerFired, '', { TimerId: 2 }), t0 + 10 * DAY);
  assert.deepEqual(effects.outcome, { kind: 'completed', output: '"woke up"' });
});

test('retry ids stay aligned with the library when other work completes in between', async () => {
  function* mixed(context: any): Generator<unknown, unknown, any> {
    const retry = new df.RetryOptions(1000, 3);
    retry.backoffCoefficient = 2;
    const results = yield context.df.Task.all([
      context.df.callActivityWithRetry('flaky', retry, 'x'),
      context.df.callActivity('plain', 'y'),
      context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000)),
    ]);
    const after = yield context.df.callActivity('plain', 'z');
    return [results[0], results[1], after];
  }
  const instance = newInstance(null);
  const t0 = Date.UTC(2026, 0, 1);
  let effects = await episode(mixed, instance, started(null), t0);
  assert.deepEqual(
    effects.activities.map((a) => [a.taskId, a.name, a.input]),
    [
      [0, 'flaky', 'x'],
      [1, 'plain', 'y'],
    ],
  );
  assert.deepEqual(
    effects.timers.map((t) => t.timerId),
    [2],
  );

  const failed = (id: number) =>
    historyEvent(EventType.TaskFailed, '', { TaskScheduledId: id, Reason: 'boom', Details: '' });
  const completed = (id: number, value: unknown) =>
    historyEvent(EventType.TaskCompleted, '', { TaskScheduledId: id, Result: JSON.stringify(value) });
  const fired = (id: number) => historyEvent(EventType.TimerFired, '', { TimerId: id });

  effects = await episode(mixed, instance, failed(0), t0 + 10);
  assert.deepEqual(
    effects.timers,
    [{ timerId: 3, fireAt: new Date(t0 + 10 + 1000).toISOString() }],
    'first retry waits 1 s',
  );
  effects = await episode(mixed, instance, completed(1, 'Y'), t0 + 20);
  assert.equal(effects.activities.length, 0);
  effects = await episode(mixed, instance, fired(3), t0 + 1010);
  assert.deepEqual(
    effects.activities.map((a) => [a.taskId, a.name]),
    [[4, 'flaky']],
    'second attempt gets the next id',
  );
  effects = await episode(mixed, instance, failed(4), t0 + 1020);
  assert.deepEqual(
    effects.timers,
    [{ timerId: 5, fireAt: new Date(t0 + 1020 + 2000).toISOString() }],
    'backoff doubles',
  );
  effects = await episode(mixed, instance, fired(2), t0 + 60_000);
  assert.equal(effects.activities.length, 0);
  effects = await episode(mixed, instance, fired(5), t0 + 60_010);
  assert.deepEqual(
    effects.activities.map((a) => [a.taskId, a.name]),
    [[6, 'flaky']],
  );
  effects = await episode(mixed, instance, completed(6, 'X'), t0 + 60_020);
  assert.deepEqual(
    effects.activities.map((a) => [a.taskId, a.name, a.input]),
    [[7, 'plain', 'z']],
    'work after the retry continues the sequence',
  );
  effects = await episode(mixed, instance, completed(7, 'Z'), t0 + 60_030);
  assert.deepEqual(effects.outcome, { kind: 'completed', output: '["X","Y","Z"]' });
});

test('an orchestrator that throws is reported with the library state, and entities are refused clearly', async () => {
  // eslint-disable-next-line require-yield -- an orchestrator that fails before its first yield
  function* throws(): Generator<unknown, unknown, any> {
    throw new Error('bad input');
  }
  const effects = await episode(throws, newInstance(null), started(null), Date.UTC(2026, 0, 1));
  assert.equal(effects.outcome.kind, 'failed');

  function* entity(context: any): Generator<unknown, unknown, any> {
    return yield context.df.callEntity(new df.EntityId('counter', 'one'), 'add', 1);
  }
  const refused = await episode(entity, newInstance(null), started(null), Date.UTC(2026, 0, 1));
  assert.deepEqual(refused.outcome, {
    kind: 'failed',
    message: 'Durable entities (callEntity) is not supported by the local runtime.',
  });
});
