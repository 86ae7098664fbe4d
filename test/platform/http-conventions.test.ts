import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { httpRoute } from '../../shared/app/http-route';
import { ok } from '../../shared/platform/http/responses';
import { decodeCursor, encodeCursor } from '../../shared/platform/http/paging';
import { scopeToTenant } from '../../shared/platform/cosmos/tenant-repository';
import { openApiPath } from '../../shared/platform/http/openapi';
import { LimitExceededError, ValidationError } from '../../shared/platform/errors';

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
    params?: Record<string, string>;
  },
) {
  const request = new HttpRequest({
    method: init.method ?? 'POST',
    url: init.url ?? 'http://localhost/api/test/echo/abc?limit=5',
    headers: init.headers ?? {},
    params: init.params ?? { itemId: 'abc' },
    body: init.body === undefined ? undefined : { string: init.body },
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
  test('cursors round-trip and tampered ones are a 400', () => {
    const cursor = encodeCursor('{"token":"+RID:~abc==#RT:1"}')!;
    assert.equal(decodeCursor(cursor), '{"token":"+RID:~abc==#RT:1"}');
    assert.throws(() => decodeCursor('not base64url!'), ValidationError);
    assert.throws(() => decodeCursor(cursor + '=='), ValidationError);
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
