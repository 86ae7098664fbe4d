import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { createTenantRepository } from '../../shared/platform/cosmos/tenant-repository';
import type { ApiTokenDoc } from '../../shared/api-access/token-model';
import { createRateLimiter } from '../../shared/platform/http/rate-limit';
import { resolveRateLimits } from '../../shared/platform/config/rate-limits';
import { RateLimitedError } from '../../shared/platform/errors';

let p: TestPlatform;
let ana: Person;
let ben: Person;

before(async () => {
  p = await startTestPlatform();
  ana = await p.person('ana.tokens@example.test', 'Ana');
  ben = await p.person('ben.tokens@example.test', 'Ben');
});
after(() => p?.platform.stop());

async function makeToken(person: Person, scopes: string[], name = 'script', expiresInDays = 30) {
  const res = await p.json('/tokens', { token: person.token, json: { name, scopes, expiresInDays } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; token: string; prefix: string; name: string };
}

describe('personal access tokens', () => {
  test('a token is shown once, listed without its secret, and acts for the person within its scopes', async () => {
    const made = await makeToken(ana, ['suggestions:read', 'agents:write'], 'evening approvals');
    assert.match(made.token, /^pap_[A-Za-z0-9_-]{43,}$/);
    assert.ok(made.token.startsWith(made.prefix));

    const list = await p.json('/tokens', { token: ana.token });
    assert.equal(list.status, 200);
    const listed = list.body.items.find((t: { id: string }) => t.id === made.id);
    assert.deepEqual(Object.keys(listed).sort(), [
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'scopes',
    ]);
    assert.ok(!JSON.stringify(list.body).includes(made.token.slice(8)), 'the token never appears again');
    const stored = await createTenantRepository<ApiTokenDoc>(p.services.cosmos(), 'apiTokens', 'token').get(
      ana.tenantId,
      made.id,
    );
    assert.ok(stored && !JSON.stringify(stored).includes(made.token.slice(8)), 'only a keyed hash is stored');

    const suggestions = await p.json('/suggestions', { token: made.token });
    assert.equal(suggestions.status, 200);

    const agent = await p.json('/agents', { token: made.token, json: { templateId: 'daily-digest' } });
    assert.equal(agent.status, 201, JSON.stringify(agent.body));
    const trail = await p.services.audit().list(ana.tenantId, { limit: 10, type: 'agent.created' });
    assert.deepEqual(trail.items[0]!.token, { id: made.id, name: 'evening approvals' }, 'the audit names the token');
    assert.equal(trail.items[0]!.source, 'api');
    const created = await p.services.audit().list(ana.tenantId, { limit: 10, type: 'api-token.created' });
    assert.ok(created.items.some((r) => r.target.id === made.id));

    const again = await p.json('/tokens', { token: ana.token });
    assert.ok(again.body.items.find((t: { id: string }) => t.id === made.id).lastUsedAt, 'last use is shown');
  });

  test('a missing scope answers 403 insufficient-scope naming the scope', async () => {
    const made = await makeToken(ana, ['suggestions:read']);
    const res = await p.json('/agents', { token: made.token, json: { templateId: 'daily-digest' } });
    assert.equal(res.status, 403);
    assert.equal(res.body.type, 'https://personal-agents.dev/problems/insufficient-scope');
    assert.equal(res.body.scope, 'agents:write');
    assert.match(res.body.detail, /agents:write/);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  });

  test('a token cannot reach token management, deletion, export or connecting accounts', async () => {
    const { API_SCOPES } = await import('../../shared/platform/http/scopes');
    const all = await makeToken(ana, [...API_SCOPES], 'everything');
    const calls: [string, RequestInit & { json?: unknown }][] = [
      ['/tokens', { method: 'GET' }],
      ['/tokens', { json: { name: 'more', scopes: ['runs:read'], expiresInDays: 1 } }],
      [`/tokens/${all.id}`, { method: 'DELETE' }],
      ['/me', { method: 'DELETE' }],
      ['/me/exports', { method: 'POST' }],
      ['/me/exports/some-export', { method: 'GET' }],
      ['/connectors/google/authorize', { json: { families: ['mail'] } }],
      ['/connectors/google-abc', { method: 'DELETE' }],
    ];
    for (const [path, init] of calls) {
      const res = await p.json(path, { ...init, token: all.token });
      assert.equal(res.status, 403, `${init.method ?? 'POST'} ${path}`);
      assert.equal(res.body.type, 'https://personal-agents.dev/problems/sign-in-required');
    }
    assert.equal((await p.json('/me', { token: ana.token })).status, 200, 'the account is still there');
  });

  test('a revoked token is refused at once; an expired one too', async () => {
    const made = await makeToken(ana, ['runs:read']);
    assert.equal((await p.json('/orchestration/runs', { token: made.token })).status, 200);
    const revoked = await p.platform.api(`/tokens/${made.id}`, { method: 'DELETE', token: ana.token });
    assert.equal(revoked.status, 204);
    const after = await p.json('/orchestration/runs', { token: made.token });
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /invalid_token/);
    const trail = await p.services.audit().list(ana.tenantId, { limit: 10, type: 'api-token.revoked' });
    assert.ok(trail.items.some((r) => r.target.id === made.id));

    const old = await makeToken(ana, ['runs:read']);
    const repo = createTenantRepository<ApiTokenDoc>(p.services.cosmos(), 'apiTokens', 'token');
    await repo.patch(ana.tenantId, old.id, [
      { op: 'set', path: '/expiresAt', value: new Date(Date.now() - 1000).toISOString() },
    ]);
    const expired = await p.json('/orchestration/runs', { token: old.token });
    assert.equal(expired.status, 401);
    assert.match(expired.body.detail, /expired/);
    await p.platform.api(`/tokens/${old.id}`, { method: 'DELETE', token: ana.token });
  });

  test("another person's token id is a 404, and a made-up token a 401", async () => {
    const anas = await makeToken(ana, ['usage:read']);
    const res = await p.json(`/tokens/${anas.id}`, { method: 'DELETE', token: ben.token });
    assert.equal(res.status, 404);
    assert.equal((await p.json('/usage', { token: anas.token })).status, 200, 'still valid');
    const fake = `pap_${Buffer.alloc(32, 7).toString('base64url')}`;
    assert.equal((await p.json('/usage', { token: fake })).status, 401);
  });

  test('bad requests name the field; the tier limits the number of tokens', async () => {
    for (const json of [
      { name: 'x', scopes: ['runs:read'], expiresInDays: 0 },
      { name: 'x', scopes: ['runs:read'], expiresInDays: 366 },
      { name: 'x', scopes: ['admin'], expiresInDays: 10 },
      { name: '', scopes: ['runs:read'], expiresInDays: 10 },
    ]) {
      const res = await p.json('/tokens', { token: ben.token, json });
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.ok(res.body.errors.every((e: { path: string }) => e.path.startsWith('body.')));
    }
    const existing = (await p.json('/tokens', { token: ben.token })).body.items.length;
    for (let i = existing; i < 5; i++) await makeToken(ben, ['runs:read'], `t${i}`);
    const over = await p.json('/tokens', {
      token: ben.token,
      json: { name: 'sixth', scopes: ['runs:read'], expiresInDays: 1 },
    });
    assert.equal(over.status, 429);
    assert.equal(over.body.limit, 'apiTokens');
  });

  test('the OpenAPI document shows both security schemes and each operation’s scope', async () => {
    const doc = (await p.json('/openapi.json')).body;
    assert.equal(doc.components.securitySchemes.accessToken.scheme, 'bearer');
    assert.deepEqual(doc.paths['/api/suggestions/{id}/approve'].post.security, [
      { bearer: [] },
      { accessToken: ['suggestions:decide'] },
    ]);
    assert.deepEqual(doc.paths['/api/tokens'].post.security, [{ bearer: [] }]);
    assert.equal(doc.paths['/api/tokens'].post['x-token-scope'], null);
  });
});

test('each token has its own rate limit bucket, apart from the person’s sign-in', async () => {
  const limiter = createRateLimiter({
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    sizes: resolveRateLimits({ free: { burst: 2, perMinute: 1 } }),
    tierOf: async () => 'free',
  });
  await limiter.takeForToken('t1', 'tok_a');
  await limiter.takeForToken('t1', 'tok_a');
  await assert.rejects(limiter.takeForToken('t1', 'tok_a'), RateLimitedError);
  await limiter.takeForToken('t1', 'tok_b');
  await limiter.takeForTenant('t1');
});
