// Conformance of when an orchestration ends, with the Durable Task Framework: an orchestrator that returns while a
// task it started is still open (a timer it did not cancel, an activity still running) stays Running until that task
// is done (TaskOrchestrationExecutor: `if (!context.HasOpenTasks)`), and retries follow RetryInterceptor (the retry
// timeout, the immediate timer after the last attempt).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocalPlatform } from '../../local/testing';
import { call, historyShape, startFixtureHost, status, untilStatus, waitFor } from '../support/durable-host';

const api = '/runtime/webhooks/durabletask';

describe('durable orchestration completion', () => {
  let host: LocalPlatform;
  const start = async (name: string, id: string, input: unknown) => {
    const reply = await call(host.origin, 'POST', `${api}/orchestrators/${name}/${id}`, input);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
  };
  const raise = (id: string, event: string, data: unknown) =>
    call(host.origin, 'POST', `${api}/instances/${id}/raiseEvent/${event}`, data);
  /** The instance once its history contains `marker` (the episode that consumed it has been committed). */
  const once = (id: string, marker: string) =>
    waitFor(
      async () => {
        const reply = await status(host.origin, id, true);
        return historyShape(reply.body.historyEvents ?? []).includes(marker) ? reply.body : undefined;
      },
      20_000,
      `${id} to record ${marker}`,
    );

  before(async () => {
    host = await startFixtureHost();
  });

  after(() => host.stop());

  test('a cancelled timer lets the orchestration complete as soon as it returns', async () => {
    await start('raceTimer', 'race-cancel', { timeoutMs: 120_000, cancel: true });
    await untilStatus(host.origin, 'race-cancel', ['Running']);
    await raise('race-cancel', 'Go', 1);
    const done = await untilStatus(host.origin, 'race-cancel', ['Completed']);
    assert.deepEqual(done.output, { eventWon: true });
    assert.deepEqual(historyShape(done.historyEvents), ['ExecutionStarted', '10#0', '15:Go', 'ExecutionCompleted']);
  });

  test('a timer that was not cancelled keeps the orchestration Running until it fires', async () => {
    await start('raceTimer', 'race-forgot', { timeoutMs: 2_500, cancel: false });
    const started = await once('race-forgot', '10#0');
    const fireAt = Date.parse(started.historyEvents.find((e: any) => e.EventType === 'TimerCreated').FireAt);
    await raise('race-forgot', 'Go', 1);
    const returned = await once('race-forgot', '15:Go');
    assert.equal(returned.runtimeStatus, 'Running', 'the orchestrator returned, but its timer is still open');
    assert.equal(returned.output, null);
    assert.ok(Date.now() < fireAt, 'the check above ran before the timer was due');
    const done = await untilStatus(host.origin, 'race-forgot', ['Completed']);
    assert.deepEqual(done.output, { eventWon: true });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '10#0',
      '15:Go',
      '11(0)',
      'ExecutionCompleted',
    ]);
    assert.ok(
      Date.parse(done.lastUpdatedTime) >= Math.floor(fireAt / 1000) * 1000,
      'it completed when the timer fired',
    );
  });

  test('an activity still running keeps the orchestration Running until it finishes', async () => {
    await start('raceActivity', 'race-activity', { activityMs: 2_000, timerMs: 50 });
    const returned = await once('race-activity', '11(1)');
    assert.equal(returned.runtimeStatus, 'Running', 'the timer won, but the activity is still open');
    assert.ok(!historyShape(returned.historyEvents).includes('5(0)'), 'the activity had not finished yet');
    const done = await untilStatus(host.origin, 'race-activity', ['Completed']);
    assert.deepEqual(done.output, { timerWon: true });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '10#1',
      '11(1)',
      '5(0)',
      'ExecutionCompleted',
    ]);
  });

  test('an orchestrator that throws while work is open fails only once that work is done', async () => {
    await start('failWhileBusy', 'busy-fail', 2_000);
    const threw = await once('busy-fail', '6(0)');
    assert.equal(threw.runtimeStatus, 'Running', 'the failure waits for the running activity');
    const failed = await untilStatus(host.origin, 'busy-fail', ['Failed']);
    assert.match(failed.output, /^Orchestrator function 'failWhileBusy' failed: gave up/);
    assert.deepEqual(historyShape(failed.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '4#1',
      '6(0)',
      '5(1)',
      'ExecutionCompleted',
    ]);
  });

  test('retries stop once retryTimeoutInMilliseconds has passed, and the orchestrator is left waiting', async () => {
    await start('retryWindow', 'retry-window', { key: 'retry-window', firstMs: 2_000, timeoutMs: 1_500 });
    const stopped = await once('retry-window', '6(2)');
    assert.deepEqual(historyShape(stopped.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '6(0)',
      '10#1',
      '11(1)',
      '4#2',
      '6(2)',
    ]);
    assert.equal(stopped.runtimeStatus, 'Running', 'as in Azure, the library still waits for a retry timer');
    const listed = await call(host.origin, 'GET', `${api}/instances/?instanceIdPrefix=retry-window`);
    assert.equal(listed.body[0].runtimeStatus, 'Running');
  });

  test('the timer after the last failed attempt fires at once', async () => {
    await start('retrying', 'retry-last', { key: 'retry-last', failures: 5, attempts: 2 });
    const failed = await untilStatus(host.origin, 'retry-last', ['Failed']);
    const timers = failed.historyEvents.filter((e: any) => e.EventType === 'TimerCreated');
    assert.equal(timers.length, 2);
    assert.ok(Date.parse(timers[0].FireAt) > Date.parse(timers[0].Timestamp), 'the first retry waits its interval');
    assert.equal(Date.parse(timers[1].FireAt), Date.parse(timers[1].Timestamp), 'the last one is due at once');
  });
});
