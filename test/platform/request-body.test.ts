// Request bodies are size-checked while they stream in (a body without a length is never read whole), and a body sent
// chunked without Content-Length, which the Functions host hands to the app empty, is a clear 411 rather than a
// confusing "field missing".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readBody } from '../../shared/platform/http/request-input';
import { LengthRequiredError, PayloadTooLargeError } from '../../shared/platform/errors';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const LIMIT = 1024;
const CHUNK = 100;

/** A body that never ends on its own, handing out chunks as they are asked for, and counting them. */
function endlessBody() {
  const seen = { bytes: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.bytes += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

function source(body: ReadableStream<Uint8Array> | null, headers: Record<string, string>) {
  return { headers: new Headers(headers), body };
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 7) controller.enqueue(bytes.subarray(at, at + 7));
      controller.close();
    },
  });
}

describe('the body is counted as it arrives', () => {
  test('an endless body without Content-Length is cut off just past the limit with 413', async () => {
    const { body, seen } = endlessBody();
    await assert.rejects(
      readBody(source(body, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), 'json', LIMIT),
      PayloadTooLargeError,
    );
    assert.ok(seen.bytes <= LIMIT + 2 * CHUNK, `read ${seen.bytes} bytes of an endless body`);
    assert.ok(seen.cancelled, 'the rest of the body is not read');
  });

  test('a body whose Content-Length understates it is cut off too', async () => {
    const { body, seen } = endlessBody();
    await assert.rejects(
      readBody(source(body, { 'content-type': 'application/json', 'content-length': '10' }), 'json', LIMIT),
      PayloadTooLargeError,
    );
    assert.ok(seen.bytes <= LIMIT + 2 * CHUNK);
  });

  test('a streamed body within the limit is read and parsed, in whatever chunks it comes', async () => {
    const value = { name: 'Daily digest', tags: ['a', 'b'], note: 'café ☕' };
    const parsed = await readBody(
      source(streamOf(JSON.stringify(value)), { 'content-type': 'application/json' }),
      'json',
      LIMIT,
    );
    assert.deepEqual(parsed, value);
  });

  test('an empty chunked body without Content-Length is 411; an empty body with a length is just empty', async () => {
    await assert.rejects(
      readBody(source(null, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }), 'json', LIMIT),
      LengthRequiredError,
    );
    assert.equal(
      await readBody(source(null, { 'content-type': 'application/json', 'content-length': '0' }), 'json', LIMIT),
      undefined,
    );
  });
});

describe('through the local runtime (the host passes chunked bodies without Content-Length empty)', () => {
  let p: TestPlatform;
  let ada: Person;
  before(async () => {
    p = await startTestPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'false' } });
    ada = await p.person('ada@request-body.test');
  });
  after(async () => {
    await p?.platform.stop();
  });

  /** POST with node's own client, which sends a body of unknown length chunked. */
  function postChunked(path: string, chunks: string[]): Promise<{ status: number; type: string; body: any }> {
    const url = new URL(`${p.platform.apiUrl}${path}`);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  test('a chunked JSON body answers 411 problem+json naming Content-Length, and nothing is created', async () => {
    const answer = await postChunked('/agents', ['{"templateId":', '"daily-digest"}']);
    assert.equal(answer.status, 411, JSON.stringify(answer.body));
    assert.match(answer.type, /application\/problem\+json/);
    assert.match(answer.body.detail, /Content-Length/);
    const agents = await p.json<{ items: unknown[] }>('/agents', { token: ada.token });
    assert.deepEqual(agents.body.items, []);
    // The same body with its length is accepted.
    const sized = await p.json('/agents', { method: 'POST', token: ada.token, json: { templateId: 'daily-digest' } });
    assert.equal(sized.status, 201);
  });
});
