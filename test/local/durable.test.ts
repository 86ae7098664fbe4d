// Conformance of the local runtime's Durable engine: a fixture app's orchestrations, replayed by the real
// durable-functions library, driven through an HTTP starter that uses df.getClient(context) as the product does.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocalPlatform } from '../../local/testing';
import { call, historyShape, startFixtureHost, status, untilStatus, waitFor } from '../support/durable-host';

describe('durable engine', () => {
  let host: LocalPlatform;
  const start = async (name: string, id: string, input?: unknown) => {
    const reply = await call(host.origin, 'POST', `/api/start/${name}/${encodeURIComponent(id)}`, input);
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.id, id);
    return reply;
  };
  const manage = (id: string, op: string, arg?: string, body?: unknown) =>
    call(
      host.origin,
      body === undefined && (op === 'status' || op === 'wait') ? 'GET' : 'POST',
      `/api/manage/${encodeURIComponent(id)}/${op}${arg ? `/${arg}` : ''}`,
      body,
    );

  before(async () => {
    host = await startFixtureHost();
  });

  after(() => host.stop());

  test('check-status response carries the management URLs for the instance', async () => {
    const reply = await start('quick', 'links-1', 'ann');
    assert.equal(reply.headers.get('location'), reply.body.statusQueryGetUri);
    assert.match(
      reply.body.statusQueryGetUri,
      /\/runtime\/webhooks\/durabletask\/instances\/links-1\?taskHub=FixtureHub/,
    );
    assert.match(reply.body.sendEventPostUri, /instances\/links-1\/raiseEvent\/\{eventName\}/);
    for (const key of [
      'terminatePostUri',
      'purgeHistoryDeleteUri',
      'suspendPostUri',
      'resumePostUri',
      'rewindPostUri',
    ]) {
      assert.ok(String(reply.body[key]).startsWith(host.origin), key);
    }
    const done = await untilStatus(host.origin, 'links-1', ['Completed']);
    assert.equal(done.output, 'Hello ann');
    const waited = await call(
      host.origin,
      'POST',
      '/runtime/webhooks/durabletask/orchestrators/quick/links-2?timeout=10&pollingInterval=1',
      'bo',
    );
    assert.equal(waited.status, 200, 'start-and-wait answers with the output once done');
    assert.equal(waited.body, 'Hello bo');
  });

  test('three-episode replay, approve path: the event wins and the cancelled timer never fires', async () => {
    await start('approval', 'approve-1', { name: 'bob', timeoutMs: 60_000 });
    const waiting = await waitFor(
      async () => {
        const reply = await status(host.origin, 'approve-1', true);
        return historyShape(reply.body.historyEvents ?? []).includes('10#1') ? reply : undefined;
      },
      10_000,
      'the approval timer to be created',
    );
    assert.equal(waiting.status, 202, 'a running instance answers 202');
    assert.equal(waiting.body.runtimeStatus, 'Running');
    assert.equal((await manage('approve-1', 'raise', 'Approve', { ok: true })).status, 202);
    const done = await untilStatus(host.origin, 'approve-1', ['Completed']);
    assert.deepEqual(done.output, { r: 'Hello bob', approved: { ok: true } });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '5(0)',
      '10#1',
      '15:Approve',
      'ExecutionCompleted',
    ]);
    const scheduled = done.historyEvents.find((e: any) => e.EventType === 'TaskScheduled');
    assert.equal(scheduled.Name, 'sayHello');
  });

  test('three-episode replay, timeout path: the timer wins the race', async () => {
    await start('approval', 'timeout-1', { name: 'amy', timeoutMs: 300 });
    const done = await untilStatus(host.origin, 'timeout-1', ['Completed']);
    assert.deepEqual(done.output, { r: 'Hello amy', approved: false });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '5(0)',
      '10#1',
      '11(1)',
      'ExecutionCompleted',
    ]);
    const created = Date.parse(done.historyEvents.find((e: any) => e.EventType === 'TimerCreated').FireAt);
    const fired = Date.parse(done.historyEvents.find((e: any) => e.EventType === 'TimerFired').Timestamp);
    assert.ok(fired >= created, 'the timer did not fire early');
  });

  test('a cancelled timer still fires while the orchestration runs, and changes nothing', async () => {
    // Cancelling drops the timer from DTFx's open tasks, but its message stays queued: TimerFired still arrives.
    await start('cancelThenWait', 'cancel-1', 1200);
    await untilStatus(host.origin, 'cancel-1', ['Running']);
    await manage('cancel-1', 'raise', 'A', 1);
    await waitFor(
      async () => {
        const reply = await status(host.origin, 'cancel-1', true);
        return historyShape(reply.body.historyEvents).includes('11(0)') ? reply.body : undefined;
      },
      10_000,
      'the cancelled timer to fire',
    );
    await manage('cancel-1', 'raise', 'B', 2);
    const done = await untilStatus(host.origin, 'cancel-1', ['Completed']);
    assert.deepEqual(done.output, { timerWon: false, second: 2 });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '10#0',
      '15:A',
      '11(0)',
      '15:B',
      'ExecutionCompleted',
    ]);
  });

  test('retries follow the host timer/id bookkeeping', async () => {
    await start('retrying', 'retry-1', { key: 'retry-1', failures: 2, attempts: 3 });
    const done = await untilStatus(host.origin, 'retry-1', ['Completed']);
    assert.deepEqual(done.output, { key: 'retry-1', attempts: 3 });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '4#0',
      '6(0)',
      '10#1',
      '11(1)',
      '4#2',
      '6(2)',
      '10#3',
      '11(3)',
      '4#4',
      '5(4)',
      'ExecutionCompleted',
    ]);
  });

  test('retries that run out fail the orchestration with the last error', async () => {
    await start('retrying', 'retry-2', { key: 'retry-2', failures: 5, attempts: 2 });
    const done = await untilStatus(host.origin, 'retry-2', ['Failed']);
    assert.match(
      done.output,
      /^Orchestrator function 'retrying' failed: Activity function 'flaky' failed: attempt 2 of retry-2 failed/,
    );
    assert.deepEqual(historyShape(done.historyEvents).slice(0, 9), [
      'ExecutionStarted',
      '4#0',
      '6(0)',
      '10#1',
      '11(1)',
      '4#2',
      '6(2)',
      '10#3',
      '11(3)',
    ]);
  });

  test('WhenAll over activities and sub-orchestrations (with and without an instance id)', async () => {
    await start('fanOut', 'fan-1');
    const done = await untilStatus(host.origin, 'fan-1', ['Completed']);
    assert.deepEqual(done.output, ['Hello a', 'Hello b', 'Hello c', 'Hello d']);
    assert.deepEqual(historyShape(done.historyEvents).slice(0, 5), ['ExecutionStarted', '4#0', '4#1', '7#2', '7#3']);
    const generated = await status(host.origin, 'fan-1:2');
    assert.equal(generated.body.runtimeStatus, 'Completed');
    assert.equal(generated.body.output, 'Hello c');
    const named = await status(host.origin, 'fan-1-child-d');
    assert.equal(named.body.output, 'Hello d');
  });

  test('a sub-orchestration with retry is re-created after it fails', async () => {
    await start('parentRetry', 'parent-1', { key: 'parent-1', failures: 1 });
    const done = await untilStatus(host.origin, 'parent-1', ['Completed']);
    assert.deepEqual(done.output, { key: 'parent-1', attempts: 2 });
    assert.deepEqual(historyShape(done.historyEvents), [
      'ExecutionStarted',
      '7#0',
      '9(0)',
      '10#1',
      '11(1)',
      '7#2',
      '8(2)',
      'ExecutionCompleted',
    ]);
    assert.equal((await status(host.origin, 'parent-1:0')).body.runtimeStatus, 'Failed');
    assert.equal((await status(host.origin, 'parent-1:2')).body.runtimeStatus, 'Completed');
  });

  test('ContinueAsNew restarts with the new input and a fresh history', async () => {
    await start('counter', 'counter-1', 0);
    const done = await untilStatus(host.origin, 'counter-1', ['Completed']);
    assert.equal(done.output, 'counted to 3');
    assert.equal(done.input, 3);
    assert.deepEqual(done.customStatus, { n: 3 });
    assert.deepEqual(historyShape(done.historyEvents), ['ExecutionStarted', 'ExecutionCompleted']);
  });

  test('an event raised before the orchestrator waits for it is buffered', async () => {
    await start('lateListener', 'early-1', 400);
    assert.equal((await manage('early-1', 'raise', 'Ping', { n: 1 })).status, 202);
    const done = await untilStatus(host.origin, 'early-1', ['Completed']);
    assert.deepEqual(done.output, { ping: { n: 1 } });
    const shape = historyShape(done.historyEvents);
    assert.ok(shape.indexOf('15:Ping') < shape.indexOf('11(0)'), `the event arrived first: ${shape.join(' ')}`);
  });

  test('custom status is visible while running; waitForCompletion returns the output', async () => {
    await start('waitForGo', 'custom-1');
    const running = await waitFor(
      async () => {
        const reply = await manage('custom-1', 'status');
        return reply.body.customStatus?.stage ? reply.body : undefined;
      },
      10_000,
      'the custom status',
    );
    assert.equal(running.runtimeStatus, 'Running');
    assert.deepEqual(running.customStatus, { stage: 'waiting for Go' });
    await manage('custom-1', 'raise', 'Go', 'now');
    const waited = await manage('custom-1', 'wait', '10000');
    assert.equal(waited.status, 200);
    assert.deepEqual(waited.body, { got: 'now' });
    assert.deepEqual((await manage('custom-1', 'status')).body.customStatus, { stage: 'done' });
  });

  test('suspend holds events until resume', async () => {
    await start('waitForGo', 'suspend-1');
    await untilStatus(host.origin, 'suspend-1', ['Running']);
    assert.equal((await manage('suspend-1', 'suspend')).status, 202);
    assert.equal((await status(host.origin, 'suspend-1')).body.runtimeStatus, 'Suspended');
    await manage('suspend-1', 'raise', 'Go', 'later');
    const held = await status(host.origin, 'suspend-1', true);
    assert.equal(held.status, 202);
    assert.equal(held.body.runtimeStatus, 'Suspended');
    assert.equal(held.body.output, null);
    assert.equal((await manage('suspend-1', 'resume')).status, 202);
    const done = await untilStatus(host.origin, 'suspend-1', ['Completed']);
    assert.deepEqual(done.output, { got: 'later' });
  });

  test('terminate ends an instance; events after that are accepted (410) and ignored', async () => {
    await start('waitForGo', 'term-1');
    await untilStatus(host.origin, 'term-1', ['Running']);
    assert.equal((await manage('term-1', 'terminate', 'no longer needed')).status, 202);
    const ended = await status(host.origin, 'term-1');
    assert.equal(ended.status, 200);
    assert.equal(ended.body.runtimeStatus, 'Terminated');
    assert.equal(ended.body.output, 'no longer needed');
    const direct = await call(host.origin, 'POST', '/runtime/webhooks/durabletask/instances/term-1/raiseEvent/Go', 1);
    assert.equal(direct.status, 410);
    assert.equal((await manage('term-1', 'raise', 'Go', 1)).status, 202, 'the client treats 410 as success');
    assert.equal((await status(host.origin, 'term-1')).body.runtimeStatus, 'Terminated');
  });

  test('purge removes one instance, or every instance matching a filter', async () => {
    await start('quick', 'purge-1', 'p');
    await untilStatus(host.origin, 'purge-1', ['Completed']);
    assert.deepEqual((await manage('purge-1', 'purge')).body, { instancesDeleted: 1 });
    assert.equal((await status(host.origin, 'purge-1')).status, 404);
    assert.deepEqual((await manage('purge-1', 'purge')).body, { instancesDeleted: 0 });
    const missing = await manage('purge-1', 'status');
    assert.match(missing.body.error, /404/);

    await start('waitForGo', 'purge-2');
    await untilStatus(host.origin, 'purge-2', ['Running']);
    await manage('purge-2', 'terminate', 'cleanup');
    const purged = await call(host.origin, 'POST', '/api/query', { runtimeStatus: ['Terminated'], purge: true });
    assert.ok(purged.body.instancesDeleted >= 1);
    assert.equal((await status(host.origin, 'purge-2')).status, 404);
    const terminated = await call(host.origin, 'POST', '/api/query', { runtimeStatus: ['Terminated'] });
    assert.deepEqual(terminated.body, []);
  });

  test('an unhandled failure fails the orchestration (and reaches a parent); a caught one does not', async () => {
    await start('failing', 'fail-1');
    const failed = await untilStatus(host.origin, 'fail-1', ['Failed']);
    assert.match(
      failed.output,
      /^Orchestrator function 'failing' failed: Activity function 'alwaysFails' failed: cannot fly/,
    );
    const waited = await manage('fail-1', 'wait', '2000');
    assert.equal(waited.status, 500);
    assert.equal(waited.body.runtimeStatus, 'Failed');

    await start('parentCatches', 'catch-parent');
    const parent = await untilStatus(host.origin, 'catch-parent', ['Completed']);
    assert.match(
      parent.output.caught,
      /^Orchestrator function 'failing' failed: Activity function 'alwaysFails' failed: cannot fly/,
    );
    assert.equal((await status(host.origin, 'catch-parent-child')).body.runtimeStatus, 'Failed');

    await start('catching', 'catch-1');
    const caught = await untilStatus(host.origin, 'catch-1', ['Completed']);
    assert.deepEqual(caught.output, { caught: "Activity function 'alwaysFails' failed: cannot swim " });
  });

  test("bad requests get the extension's errors, not crashes", async () => {
    const unknown = await call(host.origin, 'POST', '/runtime/webhooks/durabletask/orchestrators/noSuchThing', {});
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.Message, 'One or more of the arguments submitted is incorrect');
    assert.match(
      unknown.body.ExceptionMessage,
      /^The function 'noSuchThing' doesn't exist, is disabled, or is not an orchestrator function\. Additional info: The following are the known orchestrator functions: '.*approval/,
    );
    const viaClient = await call(host.origin, 'POST', '/api/start/noSuchThing/x1', {});
    assert.equal(viaClient.status, 500, 'the starter itself fails, as it would in Azure');
    assert.equal((await status(host.origin, 'nobody-here')).status, 404);
    const rewind = await call(host.origin, 'POST', '/runtime/webhooks/durabletask/instances/fail-1/rewind?reason=x');
    assert.equal(rewind.status, 501);
    assert.match(rewind.body.Message, /Rewind is not supported/);
    const entity = await call(host.origin, 'POST', '/runtime/webhooks/durabletask/entities/counter/one?op=add');
    assert.equal(entity.status, 501);
    await start('waitForGo', 'dup-1');
    const duplicate = await call(
      host.origin,
      'POST',
      '/runtime/webhooks/durabletask/orchestrators/waitForGo/dup-1',
      {},
    );
    assert.equal(duplicate.status, 500, 'OrchestrationAlreadyExistsException reaches the generic handler');
    assert.equal(duplicate.body.Message, 'Something went wrong while processing your request');
    assert.equal(duplicate.body.ExceptionType, 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException');
    assert.match(
      duplicate.body.ExceptionMessage,
      /^An Orchestration instance with the status (Running|Pending) already exists\.$/,
    );
    await manage('dup-1', 'terminate', 'done');
  });

  test('activities run within maxConcurrentActivityFunctions', async () => {
    await start('probes', 'probes-1');
    const done = await untilStatus(host.origin, 'probes-1', ['Completed']);
    assert.ok(done.output <= 4, `at most 4 activities at once (host.json), saw ${done.output}`);
    assert.ok(done.output >= 2, `activities do run in parallel, saw ${done.output}`);
  });

  test('status queries page with continuation tokens; many orchestrations run concurrently', async () => {
    const count = 150;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        call(host.origin, 'POST', `/runtime/webhooks/durabletask/orchestrators/quick/bulk-${i}`, `t${i}`).then((r) =>
          assert.equal(r.status, 202),
        ),
      ),
    );
    await waitFor(
      async () => {
        const page = await call(
          host.origin,
          'GET',
          '/runtime/webhooks/durabletask/instances/?runtimeStatus=Completed&instanceIdPrefix=bulk-',
        );
        const token = page.headers.get('x-ms-continuation-token');
        assert.equal(page.body.length, 100, 'first page is full');
        assert.ok(token, 'a continuation token is returned');
        const rest = await fetch(
          `${host.origin}/runtime/webhooks/durabletask/instances/?runtimeStatus=Completed&instanceIdPrefix=bulk-`,
          {
            headers: { 'x-ms-continuation-token': token },
          },
        );
        return page.body.length + ((await rest.json()) as unknown[]).length === count;
      },
      60_000,
      'all bulk orchestrations to complete',
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `durable: ${count} orchestrations (one activity each) completed in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)}/s`,
    );
    const viaClient = await call(host.origin, 'POST', '/api/query', { runtimeStatus: ['Completed'] });
    assert.ok(viaClient.body.length >= count, 'getStatusBy follows the continuation token');
    assert.ok(viaClient.body.every((s: any) => s.runtimeStatus === 'Completed' && 'input' in s && 'output' in s));
  });
});
