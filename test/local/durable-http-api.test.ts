// Conformance of the Durable HTTP management API (/runtime/webhooks/durabletask/) with the extension's
// HttpApiHandler.cs: status codes, headers, bodies and query parsing, and instance id validation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LocalPlatform } from '../../local/testing';
import { call, startFixtureHost, untilStatus } from '../support/durable-host';

const api = '/runtime/webhooks/durabletask';
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('durable HTTP API', () => {
  let host: LocalPlatform;
  const startDirect = (name: string, id: string, input?: unknown) =>
    call(host.origin, 'POST', `${api}/orchestrators/${name}/${encodeURIComponent(id)}`, input);
  const raw = (method: string, path: string, body?: string, contentType?: string) =>
    fetch(`${host.origin}${api}${path}`, {
      method,
      headers: contentType ? { 'content-type': contentType } : {},
      body,
    });

  before(async () => {
    host = await startFixtureHost();
  });

  after(() => host.stop());

  test('a running instance answers 202 with Retry-After 5 and its own URL as Location; times are whole seconds', async () => {
    assert.equal((await startDirect('waitForGo', 'api-running', { n: 1 })).status, 202);
    await untilStatus(host.origin, 'api-running', ['Running']);
    const path = `${api}/instances/api-running?showHistory=false`;
    const res = await fetch(`${host.origin}${path}`);
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal(res.headers.get('location'), `${host.origin}${path}`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.match(String(body.createdTime), WHOLE_SECONDS);
    assert.match(String(body.lastUpdatedTime), WHOLE_SECONDS);
    assert.deepEqual(body.input, { n: 1 }, 'showInput defaults to true');
    await call(host.origin, 'POST', `${api}/instances/api-running/terminate?reason=done`);
  });

  test('a failed instance answers 200, or 500 with returnInternalServerErrorOnFailure=true', async () => {
    await startDirect('failing', 'api-failed');
    await untilStatus(host.origin, 'api-failed', ['Failed']);
    const plain = await call(host.origin, 'GET', `${api}/instances/api-failed`);
    assert.equal(plain.status, 200);
    assert.equal(plain.body.runtimeStatus, 'Failed');
    const strict = await call(
      host.origin,
      'GET',
      `${api}/instances/api-failed?returnInternalServerErrorOnFailure=true`,
    );
    assert.equal(strict.status, 500);
    assert.equal(strict.body.runtimeStatus, 'Failed');
    const waited = await call(
      host.origin,
      'POST',
      `${api}/orchestrators/failing/api-failed-2?timeout=10&pollingInterval=1`,
    );
    assert.equal(waited.status, 200, 'start-and-wait reports a failure with 200 and the status');
    assert.equal(waited.body.runtimeStatus, 'Failed');
  });

  test('raising an event needs an application/json body; unknown and finished instances answer without a body', async () => {
    await startDirect('waitForGo', 'api-events');
    await untilStatus(host.origin, 'api-events', ['Running']);
    const text = await raw('POST', '/instances/api-events/raiseEvent/Go', '"yes"', 'text/plain');
    assert.equal(text.status, 400);
    assert.deepEqual(await text.json(), { Message: 'Only application/json request content is supported' });
    const none = await raw('POST', '/instances/api-events/raiseEvent/Go', '"yes"');
    assert.equal(none.status, 400, 'no content type at all is refused too');
    const broken = await raw('POST', '/instances/api-events/raiseEvent/Go', '{not json', 'application/json');
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { Message: string }).Message, 'Invalid JSON content');
    const ok = await raw('POST', '/instances/api-events/raiseEvent/Go', '"yes"', 'Application/JSON; charset=utf-8');
    assert.equal(ok.status, 202);
    const done = await untilStatus(host.origin, 'api-events', ['Completed']);
    assert.deepEqual(done.output, { got: 'yes' }, 'only the accepted event was delivered');

    const gone = await raw('POST', '/instances/api-events/raiseEvent/Go', '1', 'application/json');
    assert.equal(gone.status, 410);
    assert.equal(await gone.text(), '');
    const unknown = await raw('POST', '/instances/nobody/raiseEvent/Go', '1', 'application/json');
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), '');
    const wrongMethod = await raw('PUT', '/instances/api-events');
    assert.equal(wrongMethod.status, 404, 'a known route with another method is a plain 404');
  });

  test('listing includes each input unless showInput=false; unknown statuses and bad dates are ignored', async () => {
    await startDirect('quick', 'api-list-1', 'lee');
    await untilStatus(host.origin, 'api-list-1', ['Completed']);
    const listed = await call(host.origin, 'GET', `${api}/instances/?instanceIdPrefix=api-list-`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 1);
    assert.equal(listed.body[0].input, 'lee');
    assert.match(listed.body[0].createdTime, WHOLE_SECONDS);
    const hidden = await call(host.origin, 'GET', `${api}/instances/?instanceIdPrefix=api-list-&showInput=false`);
    assert.equal(hidden.body[0].input, null);
    const lenient = await call(
      host.origin,
      'GET',
      `${api}/instances/?instanceIdPrefix=api-list-&runtimeStatus=Sleeping&createdTimeFrom=yesterday`,
    );
    assert.equal(lenient.status, 200);
    assert.equal(lenient.body.length, 1);
  });

  test('purging by filter needs createdTimeFrom', async () => {
    await startDirect('quick', 'api-purge-1', 'pat');
    await untilStatus(host.origin, 'api-purge-1', ['Completed']);
    const refused = await call(host.origin, 'DELETE', `${api}/instances/?runtimeStatus=Completed`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body, "Please provide value for 'createdTimeFrom' parameter.");
    assert.equal((await call(host.origin, 'GET', `${api}/instances/api-purge-1`)).status, 200, 'nothing was purged');
    const purged = await call(
      host.origin,
      'DELETE',
      `${api}/instances/?createdTimeFrom=${new Date(Date.now() - 3_600_000).toISOString()}&runtimeStatus=Completed`,
    );
    assert.equal(purged.status, 200);
    assert.ok(purged.body.instancesDeleted >= 1);
    assert.equal((await call(host.origin, 'GET', `${api}/instances/api-purge-1`)).status, 404);
  });

  test("the check-status answer has exactly the extension's management URLs", async () => {
    const reply = await startDirect('quick', 'api-links', 'kim');
    assert.equal(reply.status, 202);
    assert.equal(reply.headers.get('retry-after'), '10');
    assert.deepEqual(Object.keys(reply.body), [
      'id',
      'statusQueryGetUri',
      'sendEventPostUri',
      'terminatePostUri',
      'purgeHistoryDeleteUri',
      'restartPostUri',
      'suspendPostUri',
      'resumePostUri',
    ]);
    assert.equal(reply.headers.get('location'), reply.body.statusQueryGetUri);
  });

  test('instance ids are checked as the extension checks them, with its error', async () => {
    const at = await startDirect('quick', '@reserved');
    assert.equal(at.status, 400);
    assert.equal(at.body.Message, 'One or more of the arguments submitted is incorrect');
    assert.equal(at.body.ExceptionType, 'System.ArgumentException');
    assert.equal(
      at.body.ExceptionMessage,
      "instanceId (Parameter 'Orchestration instance ids must not start with @.')",
    );
    for (const bad of ['a#b', 'a?b', 'tab\there', 'nul\u0000', 'del\u007f']) {
      const reply = await startDirect('quick', bad);
      assert.equal(reply.status, 400, JSON.stringify(bad));
      assert.equal(
        reply.body.ExceptionMessage,
        "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')",
      );
    }
    const long = await startDirect('quick', 'x'.repeat(257));
    assert.equal(long.status, 400);
    assert.equal(long.body.ExceptionMessage, 'Instance ID lengths must not exceed 256 characters.');
    assert.equal((await startDirect('quick', 'y'.repeat(256))).status, 202);

    const spaced = await startDirect('quick', 'with space', 'sam');
    assert.equal(spaced.status, 202, 'spaces are allowed');
    assert.equal(spaced.body.id, 'with space');
    assert.match(
      spaced.body.statusQueryGetUri,
      /\/instances\/with\+space\?/,
      'the id is encoded as WebUtility.UrlEncode does',
    );
    const done = await untilStatus(host.origin, 'with space', ['Completed']);
    assert.equal(done.output, 'Hello sam');
  });
});
