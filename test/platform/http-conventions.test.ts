import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { httpRoute } from '../../shared/app/http-route';
import { ok } from '../../shared/platform/http/responses';
import { createCursorSeal, pagingQuery } from '../../shared/platform/http/paging';
import { idParams } from '../../shared/platform/ids';
import { scopeToTenant } from '../../shared/platform/cosmos/tenant-repository';
import { openApiPath } from '../../shared/platform/http/openapi';
import { InvalidCursorError, LimitExceededError, ValidationError } from '../../shared/platform/errors';

process.env.HTTP_MAX_BODY_BYTES = '1024';

const echo = httpRoute({
  name: 'testEcho',
  method: 'POST',
  route: 'test/echo/{itemId}',
  auth: 'none',
  summary: 'echo',
  tags: ['test'],
  params: z.object({ itemId: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
  query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(25) }),
  body: z.object({
    name: z.string().min(1),
    schedule: z.object({ cron: z.string().min(9) }),
    tags: z.array(z.string().max(5)).max(3),
  }),
  async handler({ body, params, query }) {
    return ok({ ...body, itemId: params.itemId, limit: query.limit });
  },
});

const broken = httpRoute({
  name: 'testBroken',
  method: 'GET',
  route: 'test/broken',
  auth: 'none',
  summary: 'fails',
  tags: ['test'],
  async handler() {
    throw new Error('connection string AccountKey=s3cr3t failed at /srv/app/secret.js:12');
  },
});

const limited = httpRoute({
  name: 'testLimited',
  method: 'POST',
  route: 'test/limited',
  auth: 'none',
  summary: 'over the limit',
  tags: ['test'],
  async handler() {
    throw new LimitExceededError('runsPerDay', 'You have used 50 of 50 runs today on the free plan.', {
      used: 50,
      max: 50,
      resetsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
  },
});

const paged = httpRoute({
  name: 'testPaged',
  method: 'DELETE',
  route: 'test/paged/{itemId}',
  auth: 'none',
  summary: 'a state-changing route with paging, ids and a domain rule',
  tags: ['test'],
  params: idParams('itemId'),
  query: pagingQuery,
  async handler({ query, params, ifMatch }) {
    if (params.itemId === 'domain-rule') {
      // Domain code names fields relative to its input; the HTTP layer places them in the body.
      throw new ValidationError('steps[1].agentId: no such agent', [
        { path: 'steps[1].agentId', message: 'no such agent' },
        { path: '', message: 'the whole input' },
        { path: '[0]', message: 'first item' },
      ]);
    }
    return ok({ limit: query.limit, ifMatch: ifMatch ?? null });
  },
});

const guarded = httpRoute({
  name: 'testGuarded',
  method: 'GET',
  route: 'test/guarded',
  summary: 'needs a token',
  tags: ['test'],
  async handler() {
    return ok({});
  },
});

function call(
  handler: typeof echo,
  init: {
    method?: string;
    url?: string;
    headers?: Record<string, string>;
    body?: string;
    bytes?: Uint8Array;
    params?: Record<string, string>;
  },
) {
  const request = new HttpRequest({
    method: init.method ?? 'POST',
    url: init.url ?? 'http://localhost/api/test/echo/abc?limit=5',
    headers: init.headers ?? {},
    params: init.params ?? { itemId: 'abc' },
    body: init.bytes ? { bytes: init.bytes } : init.body === undefined ? undefined : { string: init.body },
  });
  return handler(request, new InvocationContext({ functionName: 'test', logHandler: () => undefined }));
}

const json = (r: { body?: unknown }) => JSON.parse(String(r.body));
const good = JSON.stringify({ name: 'x', schedule: { cron: '0 8 * * 1-5' }, tags: ['a'] });

describe('HTTP conventions', () => {
  test('validation errors name every bad field by path', async () => {
    const res = await call(echo, {
      url: 'http://localhost/api/test/echo/ABC!?limit=500',
      params: { itemId: 'ABC!' },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '', schedule: { cron: 'x' }, tags: ['ok', 'far-too-long'] }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers && (res.headers as Record<string, string>)['content-type'], 'application/problem+json');
    const problem = json(res);
    assert.equal(problem.type, 'https://personal-agents.dev/problems/validation');
    // Every bad part is reported at once: params, query and body.
    assert.deepEqual(problem.errors.map((e: { path: string }) => e.path).sort(), [
      'body.name',
      'body.schedule.cron',
      'body.tags[1]',
      'params.itemId',
      'query.limit',
    ]);
    const query = json(
      await call(echo, {
        url: 'http://localhost/api/test/echo/abc?limit=500',
        headers: { 'content-type': 'application/json' },
        body: good,
      }),
    );
    assert.deepEqual(
      query.errors.map((e: { path: string }) => e.path),
      ['query.limit'],
    );
    const body = json(
      await call(echo, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: '', schedule: { cron: 'x' }, tags: ['ok', 'far-too-long'] }),
      }),
    );
    assert.deepEqual(body.errors.map((e: { path: string }) => e.path).sort(), [
      'body.name',
      'body.schedule.cron',
      'body.tags[1]',
    ]);
    assert.match(body.detail, /body\.schedule\.cron/);
  });

  test('a good request passes, with the correlation id echoed', async () => {
    const res = await call(echo, {
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-correlation-id': 'abc-123' },
      body: good,
    });
    assert.equal(res.status, 200);
    assert.equal((res.headers as Record<string, string>)['x-correlation-id'], 'abc-123');
    assert.equal(json(res).limit, 5);
    // A correlation id that could inject into logs or headers is replaced.
    const bad = await call(echo, {
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'a b <script>' },
      body: good,
    });
    assert.match((bad.headers as Record<string, string>)['x-correlation-id']!, /^[0-9a-f-]{36}$/);
  });

  test('413 for a body over the limit, 415 for another media type, 400 for broken JSON', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2000), schedule: { cron: '0 8 * * 1-5' }, tags: [] });
    const tooLarge = await call(echo, { headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(tooLarge.status, 413);
    assert.equal(json(tooLarge).type, 'https://personal-agents.dev/problems/payload-too-large');
    const declared = await call(echo, {
      headers: { 'content-type': 'application/json', 'content-length': '999999' },
      body: good,
    });
    assert.equal(declared.status, 413);
    const media = await call(echo, { headers: { 'content-type': 'text/plain' }, body: good });
    assert.equal(media.status, 415);
    const noType = await call(echo, { body: good });
    assert.equal(noType.status, 415);
    const broken = await call(echo, { headers: { 'content-type': 'application/json' }, body: '{"name": ' });
    assert.equal(broken.status, 400);
    assert.deepEqual(json(broken).errors, [{ path: 'body', message: 'invalid JSON' }]);
    const missing = await call(echo, { headers: { 'content-type': 'application/json' }, body: '' });
    assert.equal(missing.status, 400);
  });

  test('a JSON body that is not valid UTF-8 is refused, not stored with replacement characters', async () => {
    const text = Buffer.from(good.replace('"x"', '"caf\u00e9"'), 'utf8');
    const at = text.indexOf(0xc3);
    const invalid = Buffer.concat([text.subarray(0, at), Buffer.from([0xe9]), text.subarray(at + 2)]);
    const res = await call(echo, { headers: { 'content-type': 'application/json' }, bytes: invalid });
    assert.equal(res.status, 400);
    assert.deepEqual(json(res).errors, [{ path: 'body', message: 'invalid UTF-8' }]);
    const valid = await call(echo, { headers: { 'content-type': 'application/json' }, bytes: text });
    assert.equal(valid.status, 200);
    assert.equal(json(valid).name, 'caf\u00e9');
  });

  const pagedCall = (query: string, headers: Record<string, string> = {}, itemId = 'agt_1') =>
    call(paged, {
      method: 'DELETE',
      url: `http://localhost/api/test/paged/item?${query}`,
      headers,
      params: { itemId },
    });

  test('limit is read strictly: decimal digits 1..100 or a 400 saying so', async () => {
    assert.equal(json(await pagedCall('')).limit, 25);
    assert.equal(json(await pagedCall('limit=16')).limit, 16);
    for (const bad of ['0x10', '1e1', '16.0', '+16', '-1', '0', '101', '', ' 16', '99999999999']) {
      const res = await pagedCall(`limit=${encodeURIComponent(bad)}`);
      assert.equal(res.status, 400, bad);
      assert.deepEqual(
        json(res).errors.map((e: { path: string }) => e.path),
        ['query.limit'],
        bad,
      );
    }
  });

  test('ids have one shape: reserved characters, spaces, lone surrogates and overlong ids are a 400 naming the field', async () => {
    for (const good of [
      'agt_0123456789abcdef0123',
      'run_20260301080000_ab12cd34ef',
      'sch_a_x_20260301T080000.5Z',
      'a',
    ]) {
      assert.equal((await pagedCall('', {}, good)).status, 200, good);
    }
    for (const bad of [
      'a/b',
      'a\\b',
      'a#b',
      'a?b',
      '   ',
      'a b',
      '\ud800',
      'x\udfff',
      '_a',
      'a.',
      'a'.repeat(201),
      'é',
    ]) {
      const res = await pagedCall('', {}, bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.deepEqual(
        json(res).errors.map((e: { path: string }) => e.path),
        ['params.itemId'],
      );
    }
  });

  test('If-Match: "*" means any current version; a value that cannot be one of our ETags is a 412', async () => {
    assert.equal(json(await pagedCall('', { 'if-match': '*' })).ifMatch, null);
    assert.equal(json(await pagedCall('', { 'if-match': '"abc"' })).ifMatch, '"abc"');
    assert.equal(json(await pagedCall('', {})).ifMatch, null);
    for (const garbage of ['"\u00e9t\u00e9"', 'x'.repeat(600), '"a"\t\u0001']) {
      const res = await pagedCall('', { 'if-match': garbage });
      assert.equal(res.status, 412, garbage.slice(0, 20));
      assert.equal(json(res).type, 'https://personal-agents.dev/problems/precondition-failed');
    }
  });

  test('domain field errors are named relative to their input; only the HTTP layer adds "body."', async () => {
    const res = await pagedCall('', {}, 'domain-rule');
    assert.equal(res.status, 400);
    assert.deepEqual(
      json(res).errors.map((e: { path: string }) => e.path),
      ['body.steps[1].agentId', 'body', 'body[0]'],
    );
    const zodError = z.object({ steps: z.array(z.object({ agentId: z.string() })) }).safeParse({ steps: [{}] }).error!;
    assert.deepEqual(
      ValidationError.fromZod(zodError, ['input']).errors.map((e) => e.path),
      ['input.steps[0].agentId'],
    );
  });

  test('unknown errors become a 500 problem with the correlation id and no internals', async () => {
    const res = await call(broken, {
      method: 'GET',
      url: 'http://localhost/api/test/broken',
      headers: { 'x-correlation-id': 'corr-500' },
      params: {},
    });
    assert.equal(res.status, 500);
    const text = String(res.body);
    assert.doesNotMatch(text, /s3cr3t|AccountKey|secret\.js|\/srv\/|at /);
    const problem = JSON.parse(text);
    assert.equal(problem.correlationId, 'corr-500');
    assert.equal(problem.type, 'https://personal-agents.dev/problems/internal');
    assert.match(problem.detail, /corr-500/);
  });

  test('a reached limit is a 429 problem saying what, how much and when it resets', async () => {
    const res = await call(limited, { url: 'http://localhost/api/test/limited', params: {} });
    assert.equal(res.status, 429);
    const problem = json(res);
    assert.equal(problem.type, 'https://personal-agents.dev/problems/limit-exceeded');
    assert.equal(problem.limit, 'runsPerDay');
    assert.equal(problem.used, 50);
    assert.equal(problem.max, 50);
    assert.ok(Date.parse(problem.resetsAt) > Date.now());
    const retryAfter = Number((res.headers as Record<string, string>)['Retry-After']);
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, String(retryAfter));
  });

  test('routes need a bearer token unless they say otherwise', async () => {
    const res = await call(guarded, { method: 'GET', url: 'http://localhost/api/test/guarded', params: {} });
    assert.equal(res.status, 401);
    assert.equal((res.headers as Record<string, string>)['WWW-Authenticate'], 'Bearer');
    assert.equal(json(res).type, 'https://personal-agents.dev/problems/unauthorized');
  });
});

describe('paging cursors and tenant scoping', () => {
  test('cursors round-trip; changed, foreign and other-key ones are refused as invalid-cursor', () => {
    const seal = createCursorSeal(() => Buffer.alloc(32, 7));
    const binding = JSON.stringify(['suggestions', 'tenant-a', 'SELECT * FROM c', []]);
    const token = '{"token":"+RID:~abc==#RT:1"}';
    const cursor = seal.seal(token, binding)!;
    assert.equal(seal.open(cursor, binding), token);
    assert.equal(seal.open(undefined, binding), undefined, 'no cursor: the first page');
    assert.equal(seal.seal(undefined, binding), null, 'no continuation: no next cursor');
    const flipped = cursor.slice(0, 5) + (cursor[5] === 'A' ? 'B' : 'A') + cursor.slice(6);
    for (const bad of [
      cursor + 'x',
      cursor + '==',
      flipped,
      'x'.repeat(4096),
      'not a cursor!',
      Buffer.from(token).toString('base64url'),
      seal.seal(token, JSON.stringify(['suggestions', 'tenant-b', 'SELECT * FROM c', []]))!,
      seal.seal(token, JSON.stringify(['suggestions', 'tenant-a', 'SELECT * FROM c WHERE c.kind = @k', []]))!,
      createCursorSeal(() => Buffer.alloc(32, 8)).seal(token, binding)!,
    ]) {
      assert.throws(() => seal.open(bad, binding), InvalidCursorError, bad.slice(0, 60));
    }
  });

  test('every repository query is narrowed to the tenant', () => {
    assert.equal(scopeToTenant('SELECT * FROM c'), 'SELECT * FROM c WHERE c.tenantId = @partitionTenantId');
    assert.equal(
      scopeToTenant('SELECT * FROM c WHERE c.a = 1 OR c.b = 2 ORDER BY c.createdAt DESC'),
      'SELECT * FROM c WHERE c.tenantId = @partitionTenantId AND (c.a = 1 OR c.b = 2) ORDER BY c.createdAt DESC',
    );
    assert.equal(
      scopeToTenant('SELECT VALUE COUNT(1) FROM c where c.kind = @k'),
      'SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = @partitionTenantId AND (c.kind = @k)',
    );
  });

  test('route templates become OpenAPI paths', () => {
    assert.equal(openApiPath('agents/{agentId}'), '/api/agents/{agentId}');
    assert.equal(openApiPath('files/{id:guid}/{*rest}'), '/api/files/{id}/{rest}');
    assert.equal(openApiPath('items/{id?}'), '/api/items/{id}');
  });
});
