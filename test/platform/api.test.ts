// The platform core through the local runtime: sign-in, personal tenants, profile, usage, audit, OpenAPI,
// cross-tenant isolation of every route, export and erasure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT } from 'jose';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';
import { mapLimited } from '../../shared/platform/pool';
import { TENANT_CONTAINERS } from '../../shared/identity/privacy';
import { exportData } from '../support/exports';

let platform: LocalPlatform;
let services: Services;

type Json = Record<string, any>;

async function call(
  path: string,
  init: Parameters<LocalPlatform['api']>[1] = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await platform.api(path, init);
  const text = await res.text();
  let body: Json = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { text };
    }
  }
  return { status: res.status, body, headers: res.headers };
}

async function signIn(email: string, name?: string) {
  const token = await platform.token(email, name);
  const me = await call('/me', { token });
  assert.equal(me.status, 200, JSON.stringify(me.body));
  return { token, tenantId: me.body.tenantId as string, etag: me.headers.get('etag')! };
}

async function devToken(body: Json): Promise<string> {
  const res = await fetch(`${platform.origin}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-dev-token-secret': platform.devTokenSecret() },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { access_token: string }).access_token;
}

function assertProblem(res: { status: number; body: Json; headers: Headers }, status: number) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.ok(res.body.type && res.body.title && res.body.detail && res.body.correlationId, JSON.stringify(res.body));
  assert.equal(res.headers.get('x-correlation-id'), res.body.correlationId);
}

/** Every document of a tenant, in every tenant container. */
async function documentsOf(tenantId: string): Promise<Record<string, Json[]>> {
  const out: Record<string, Json[]> = {};
  for (const name of TENANT_CONTAINERS) {
    const container = await services.cosmos().container(name);
    const { resources } = await container.items
      .query(
        { query: 'SELECT * FROM c WHERE c.tenantId = @t', parameters: [{ name: '@t', value: tenantId }] },
        { partitionKey: tenantId },
      )
      .fetchAll();
    out[name] = resources;
  }
  return out;
}

before(async () => {
  platform = await startLocalPlatform({
    settings: { HTTP_MAX_BODY_BYTES: '65536', AUTH_JWKS_COOLDOWN_SECONDS: '0' },
  });
  services = createServices(loadSettings(platform.settings));
});
after(() => platform?.stop());

describe('sign-in', () => {
  test('health and the OpenAPI document need no token; the API does', async () => {
    assert.equal((await call('/health')).status, 200);
    assert.equal((await call('/openapi.json')).status, 200);
    const missing = await call('/me');
    assertProblem(missing, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  });

  test('every kind of bad token is a 401 problem with WWW-Authenticate', async () => {
    const now = Math.floor(Date.now() / 1000);
    const foreign = await generateKeyPair('RS256');
    const jwks = (await (await fetch(`${platform.origin}/dev/oidc/jwks`)).json()) as { keys: { kid: string }[] };
    const forged = await new SignJWT({ email: 'eve@example.test' })
      .setProtectedHeader({ alg: 'RS256', kid: jwks.keys[0]!.kid })
      .setIssuer(platform.settings.AUTH_ISSUER!)
      .setAudience(platform.settings.AUTH_AUDIENCE!)
      .setSubject('eve')
      .setExpirationTime(now + 600)
      .sign(foreign.privateKey);
    const unknownKid = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'never-published' })
      .setIssuer(platform.settings.AUTH_ISSUER!)
      .setAudience(platform.settings.AUTH_AUDIENCE!)
      .setSubject('eve')
      .setExpirationTime(now + 600)
      .sign(foreign.privateKey);
    const wrongIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'x' })
      .setIssuer('https://login.example.test/v2.0')
      .setAudience(platform.settings.AUTH_AUDIENCE!)
      .setSubject('eve')
      .setExpirationTime(now + 600)
      .sign(foreign.privateKey);
    const cases: [string, string, RegExp][] = [
      ['malformed header', 'Token abc', /invalid_request/],
      ['not a JWT', 'Bearer abc.def', /invalid_token/],
      ['expired', `Bearer ${await devToken({ email: 'eve@example.test', expiresInSeconds: -3600 })}`, /expired/],
      [
        'not yet valid',
        `Bearer ${await devToken({ email: 'eve@example.test', notBefore: now + 3600 })}`,
        /not yet valid/,
      ],
      [
        'wrong audience',
        `Bearer ${await devToken({ email: 'eve@example.test', audience: 'some-other-api' })}`,
        /aud claim/,
      ],
      ['wrong signature', `Bearer ${forged}`, /signature invalid/],
      ['unknown kid', `Bearer ${unknownKid}`, /unknown signing key/],
      ['wrong issuer', `Bearer ${wrongIssuer}`, /invalid_token/],
      [
        'another application',
        `Bearer ${await devToken({ email: 'eve@example.test', clientId: 'some-other-app' })}`,
        /client not allowed/,
      ],
      ['no delegated scope', `Bearer ${await devToken({ email: 'eve@example.test', scope: 'openid' })}`, /app-only/],
    ];
    for (const [what, authorization, challenge] of cases) {
      const res = await call('/me', { headers: { authorization } });
      assertProblem(res, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', challenge, what);
    }
    const otherScope = await call('/me', {
      headers: { authorization: `Bearer ${await devToken({ email: 'eve@example.test', scope: 'openid files.read' })}` },
    });
    assertProblem(otherScope, 403);
    assert.match(otherScope.headers.get('www-authenticate') ?? '', /insufficient_scope/);
  });

  test('20 concurrent first calls create one personal tenant', async () => {
    const token = await platform.token('first-call@example.test', 'First Call');
    const responses = await Promise.all(Array.from({ length: 20 }, () => call('/me', { token })));
    for (const r of responses) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(responses.map((r) => r.body.tenantId)).size, 1);
    assert.equal(new Set(responses.map((r) => r.body.createdAt)).size, 1);
    const tenantId = responses[0]!.body.tenantId;
    const docs = await documentsOf(tenantId);
    assert.equal(docs.tenants!.length, 1);
    assert.equal(docs.audit!.filter((r) => r.action === 'tenant.created').length, 1);
    const me = responses[0]!.body;
    assert.equal(me.email, 'first-call@example.test');
    assert.equal(me.displayName, 'First Call');
    assert.equal(me.tier, 'free');
    assert.equal(me.usage.runsPerDay.max, 50);
  });
});

describe('profile', () => {
  test('PATCH validates with field paths, honours If-Match and is audited', async () => {
    const ana = await signIn('ana@example.test', 'Ana');
    const invalid = await call('/me', {
      method: 'PATCH',
      token: ana.token,
      json: {
        timezone: 'Mars/Olympus_Mons',
        locale: 'not a locale!!',
        notifications: { mode: 'sometimes', digestHour: 25 },
        color: 'blue',
      },
    });
    assertProblem(invalid, 400);
    const paths = (invalid.body.errors as { path: string }[]).map((e) => e.path).sort();
    assert.deepEqual(paths, [
      'body',
      'body.locale',
      'body.notifications.digestHour',
      'body.notifications.mode',
      'body.timezone',
    ]);
    const changed = await call('/me', {
      method: 'PATCH',
      token: ana.token,
      headers: { 'if-match': ana.etag },
      json: { timezone: 'America/Sao_Paulo', locale: 'pt-BR', notifications: { mode: 'digest', digestHour: 7 } },
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.timezone, 'America/Sao_Paulo');
    assert.deepEqual(changed.body.notifications, { mode: 'digest', digestHour: 7, approvalLinks: true });
    const newEtag = changed.headers.get('etag');
    assert.ok(newEtag && newEtag !== ana.etag);
    const stale = await call('/me', {
      method: 'PATCH',
      token: ana.token,
      headers: { 'if-match': ana.etag },
      json: { displayName: 'Late' },
    });
    assertProblem(stale, 412);
    const again = await call('/me', { token: ana.token });
    assert.equal(again.body.displayName, 'Ana');
    assert.equal(again.headers.get('etag'), newEtag);
    const trail = await call('/audit?type=profile.updated', { token: ana.token });
    assert.equal(trail.status, 200);
    assert.equal(trail.body.items.length, 1);
    assert.deepEqual(trail.body.items[0].after.timezone, 'America/Sao_Paulo');
    assert.equal(trail.body.items[0].correlationId, changed.headers.get('x-correlation-id'));
  });

  test('usage report, body limit, media type and correlation id', async () => {
    const bo = await signIn('bo@example.test');
    const usage = await call('/usage', { token: bo.token });
    assert.equal(usage.status, 200);
    assert.equal(usage.body.tier, 'free');
    assert.equal(usage.body.limits.tokensPerMonth.used, 0);
    assert.match(usage.body.month.resetsAt, /^\d{4}-\d{2}-01T00:00:00\.000Z$/);
    const big = await call('/me', { method: 'PATCH', token: bo.token, json: { displayName: 'x'.repeat(70_000) } });
    assertProblem(big, 413);
    const text = await call('/me', {
      method: 'PATCH',
      token: bo.token,
      body: '{"displayName":"B"}',
      headers: { 'content-type': 'text/plain' },
    });
    assertProblem(text, 415);
    const echoed = await call('/me', { token: bo.token, headers: { 'x-correlation-id': 'trace-me-42' } });
    assert.equal(echoed.headers.get('x-correlation-id'), 'trace-me-42');
  });
});

describe('audit', () => {
  test('paging walks a few hundred records with no duplicates or gaps; bad paging input is a 400', async () => {
    const cy = await signIn('cy@example.test');
    const audit = await services.cosmos().container('audit');
    const base = Date.parse('2026-01-01T00:00:00Z');
    const ids: string[] = [];
    // A few writes at a time: fifty connections at once to the embedded server drop some on a busy machine.
    await mapLimited(
      Array.from({ length: 300 }, (_, n) => n),
      8,
      (n) => {
        const at = new Date(base + n * 1000).toISOString();
        const id = `${at}-${String(n).padStart(8, '0')}`;
        ids.push(id);
        return audit.items.create({
          id,
          tenantId: cy.tenantId,
          at,
          action: n % 3 ? 'run.completed' : 'suggestion.approved',
          actor: { type: 'agent', id: 'a1' },
          target: { type: 'run', id: `r${n}` },
          outcome: 'success',
          source: 'schedule',
          summary: `#${n}`,
        });
      },
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call(
        `/audit?limit=40&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: cy.token },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.items.length <= 40);
      seen.push(...res.body.items.map((r: Json) => r.id));
      cursor = res.body.nextCursor;
      assert.ok(++pages <= 20);
    } while (cursor);
    assert.equal(seen.length, 300);
    assert.equal(new Set(seen).size, 300);
    assert.deepEqual(seen, [...ids].sort().reverse(), 'newest first');
    const approvals = await call('/audit?type=suggestion.approved&limit=100&to=2026-01-02T00:00:00Z', {
      token: cy.token,
    });
    assert.equal(approvals.body.items.length, 100);
    assert.ok(approvals.body.items.every((r: Json) => r.action === 'suggestion.approved'));
    for (const bad of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=%21%21',
      'from=yesterday',
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'type=DROP%20TABLE',
    ]) {
      const res = await call(`/audit?${bad}`, { token: cy.token });
      assertProblem(res, 400);
      assert.ok(res.body.errors.length >= 1, bad);
      assert.match(res.body.errors[0].path, /^query\./, bad);
    }
  });
});

describe('OpenAPI', () => {
  test('documents every route with its parameters, bodies, security and problems', async () => {
    const doc = (await call('/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(doc.components.schemas.Problem.properties.correlationId);
    for (const [path, method] of [
      ['/api/me', 'get'],
      ['/api/me', 'patch'],
      ['/api/me', 'delete'],
      ['/api/me/exports', 'post'],
      ['/api/me/exports/{exportId}', 'get'],
      ['/api/usage', 'get'],
      ['/api/audit', 'get'],
      ['/api/health', 'get'],
    ]) {
      assert.ok(doc.paths[path!]?.[method!], `${method} ${path}`);
    }
    const audit = doc.paths['/api/audit'].get;
    assert.deepEqual(
      audit.parameters
        .filter((p: Json) => p.in === 'query')
        .map((p: Json) => p.name)
        .sort(),
      ['cursor', 'from', 'limit', 'to', 'type'],
    );
    assert.equal(audit.parameters.find((p: Json) => p.name === 'limit').schema.maximum, 100);
    assert.ok(audit.responses['200'].content['application/json'].schema.properties.nextCursor);
    const patch = doc.paths['/api/me'].patch;
    assert.ok(patch.requestBody.content['application/json'].schema.properties.timezone);
    assert.deepEqual(patch.security, [{ bearer: [] }]);
    assert.deepEqual(doc.paths['/api/health'].get.security, []);
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          assert.ok(
            op.parameters.some((p: Json) => p.in === 'path' && p.name === name),
            `${method} ${path} documents {${name}}`,
          );
        }
        if (op.security.length) assert.ok(op.responses['401'], `${method} ${path} documents 401`);
        assert.ok(op.responses['500']);
      }
    }
  });
});

/** Ids the owner's seeded documents carry; a route parameter takes the first one its schema accepts. */
const SEEDED_IDS = ['owned-by-owner', 'google-0123456789abcdef', '6b1f3c2e-8d4a-4f7b-9c1e-2a3b4c5d6e7f'];

function idFor(schema: Json | undefined): string {
  if (schema?.format === 'uuid') return SEEDED_IDS[2]!;
  if (typeof schema?.pattern === 'string') {
    const re = new RegExp(schema.pattern);
    const match = SEEDED_IDS.find((id) => re.test(id));
    if (match) return match;
  }
  return SEEDED_IDS[0]!;
}

/** A small value that satisfies a JSON schema (enough to get past validation to the lookup). */
function sample(schema: Json | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf']) if (Array.isArray(schema[key])) return sample(schema[key][0], depth + 1);
  if (Array.isArray(schema.allOf)) return sample(schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Json = {};
      const required: string[] = schema.required ?? [];
      const props: Record<string, Json> = schema.properties ?? {};
      const keys = required.length ? required : Object.keys(props).slice(0, 1);
      for (const key of keys) out[key] = sample(props[key], depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, depth + 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uuid') return SEEDED_IDS[2];
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.test/';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return undefined;
  }
}

describe('isolation', () => {
  test("another tenant's ids answer 404 on every tenant route, and change nothing", async () => {
    const owner = await signIn('owner@example.test');
    const intruder = await signIn('intruder@example.test');
    // The owner has documents with known ids in every tenant container and a prepared export.
    for (const name of TENANT_CONTAINERS) {
      if (name === 'tenants') continue;
      const container = await services.cosmos().container(name);
      for (const id of SEEDED_IDS) {
        await container.items.upsert({
          id,
          tenantId: owner.tenantId,
          type: 'seed',
          name: 'seed',
          createdAt: new Date().toISOString(),
          status: 'pending',
        });
      }
    }
    const prepared = await services.cosmos().container('exports');
    await prepared.items.upsert({
      id: SEEDED_IDS[2],
      tenantId: owner.tenantId,
      type: 'export',
      status: 'ready',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      written: 0,
      size: 14,
    });
    await services.blobs().put(owner.tenantId, `exports/${SEEDED_IDS[2]}.json`, '{"owner":true}', 'application/json');
    const before = await documentsOf(owner.tenantId);
    const doc = (await call('/openapi.json')).body;
    const tried: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!op.security?.length) continue;
        const params = (op.parameters as Json[]).filter((p) => p.in === 'path');
        if (params.length === 0) continue;
        // A parameter with a fixed set of values (e.g. a provider name) is not a resource id.
        if (params.every((p) => Array.isArray(p.schema?.enum))) continue;
        let url = path.replace(/^\/api/, '');
        for (const p of params) {
          const value = Array.isArray(p.schema?.enum) ? p.schema.enum[0] : idFor(p.schema);
          url = url.replace(`{${p.name}}`, encodeURIComponent(String(value)));
        }
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        const request = (token: string): Parameters<LocalPlatform['api']>[1] => ({
          method: method.toUpperCase(),
          token,
          ...(bodySchema ? { json: sample(bodySchema) ?? {} } : {}),
        });
        const res = await call(url, request(intruder.token));
        tried.push(`${method.toUpperCase()} ${url} -> ${res.status}`);
        assert.equal(
          res.headers.get('content-type'),
          'application/problem+json',
          `${method.toUpperCase()} ${url}: ${res.status}`,
        );
        if (res.status === 400) {
          // Refused before any lookup: then the owner gets the same answer, so it reveals nothing (and changes nothing).
          const ownerRes = await call(url, request(owner.token));
          assert.equal(
            ownerRes.status,
            400,
            `${method.toUpperCase()} ${url}: 400 for another tenant but ${ownerRes.status} for the owner`,
          );
          continue;
        }
        assert.equal(
          res.status,
          404,
          `${method.toUpperCase()} ${url} answered ${res.status} to another tenant: ${JSON.stringify(res.body).slice(0, 300)}`,
        );
      }
    }
    assert.ok(tried.length >= 1, 'at least the export status route takes an id');
    if (process.env.SHOW_ROUTES) console.log(tried.join('\n'));
    const afterwards = await documentsOf(owner.tenantId);
    for (const name of TENANT_CONTAINERS) {
      const etags = (docs: Json[]) =>
        docs
          .filter((d) => SEEDED_IDS.includes(d.id))
          .map((d) => `${d.id}:${d._etag}`)
          .sort();
      assert.deepEqual(etags(afterwards[name]!), etags(before[name]!), `${name}: the owner's documents are untouched`);
    }
    assert.equal(
      (await services.blobs().get(owner.tenantId, `exports/${SEEDED_IDS[2]}.json`))?.toString(),
      '{"owner":true}',
    );
    assert.equal(
      (await call(`/me/exports/${SEEDED_IDS[2]}`, { token: owner.token })).status,
      200,
      'the owner can read it',
    );
    // The intruder's own trail shows no trace of the owner's data either.
    const trail = await call('/audit?limit=100', { token: intruder.token });
    assert.ok(!JSON.stringify(trail.body).includes(owner.tenantId));
  });
});

describe('privacy', () => {
  test('export contains what was created; delete leaves nothing behind', async () => {
    const dee = await signIn('dee@example.test', 'Dee');
    const other = await signIn('not-dee@example.test');
    await call('/me', { method: 'PATCH', token: dee.token, json: { timezone: 'Europe/Berlin' } });
    const agents = await services.cosmos().container('agents');
    await agents.items.create({ id: 'agent-export-1', tenantId: dee.tenantId, name: 'Inbox triage' });
    const connectors = await services.cosmos().container('connectors');
    await connectors.items.create({
      id: 'conn-1',
      tenantId: dee.tenantId,
      provider: 'google',
      accountEmail: 'dee@gmail.test',
      encryptedTokens: 'AES-GCM-CIPHERTEXT-VALUE',
      refreshToken: 'REFRESH-TOKEN-VALUE',
    });
    await services.blobs().put(dee.tenantId, 'docs/notes.txt', "Dee's notes", 'text/plain');
    const exported = await exportData(platform, dee.token);
    const body = JSON.parse(exported.text) as Json;
    assert.equal(body.tenantId, dee.tenantId);
    assert.equal(body.containers.tenants[0].timezone, 'Europe/Berlin');
    assert.ok(body.containers.audit.some((r: Json) => r.action === 'profile.updated'));
    assert.deepEqual(
      body.containers.agents.map((a: Json) => a.name),
      ['Inbox triage'],
    );
    assert.equal(body.containers.connectors[0].accountEmail, 'dee@gmail.test');
    const text = JSON.stringify(body);
    for (const secret of ['AES-GCM-CIPHERTEXT-VALUE', 'REFRESH-TOKEN-VALUE']) {
      assert.ok(
        !text.includes(secret),
        `no secrets in the export: ${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 50)}`,
      );
    }
    const blob = body.blobs.find((b: Json) => b.path === 'docs/notes.txt');
    assert.equal(Buffer.from(blob.base64, 'base64').toString(), "Dee's notes");

    // Large files are listed with their size, not embedded.
    await services.blobs().put(dee.tenantId, 'docs/big.bin', Buffer.alloc(300_000, 7), 'application/octet-stream');
    const large = await exportData(platform, dee.token);
    const big = (JSON.parse(large.text) as Json).blobs.find((b: Json) => b.path === 'docs/big.bin');
    assert.deepEqual([big.size, big.base64], [300_000, undefined]);
    assert.equal((await call(`/me/exports/${large.status.id}`, { token: other.token })).status, 404);

    // Orchestration instance ids are derived from the tenant's documents (here a suggestion's approval wait):
    // erasure purges those, and never lists, or touches, another tenant's instances.
    const suggestions = await services.cosmos().container('suggestions');
    await suggestions.items.create({
      id: 'gone-suggestion',
      tenantId: dee.tenantId,
      type: 'suggestion',
      status: 'pending',
      createdAt: new Date().toISOString(),
    });
    const durable = `${platform.origin}/runtime/webhooks/durabletask`;
    const mine = `approval:${dee.tenantId}:gone-suggestion`;
    const theirs = `approval:${other.tenantId}:kept-suggestion`;
    for (const [id, tenantId] of [
      [mine, dee.tenantId],
      [theirs, other.tenantId],
    ] as const) {
      const started = await fetch(`${durable}/orchestrators/suggestionApproval/${encodeURIComponent(id)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId, suggestionId: id.split(':')[2], reminderBeforeSeconds: 0 }),
      });
      assert.ok(started.status === 202 || started.status === 200, `start ${id}: ${started.status}`);
    }
    const instance = (id: string) => fetch(`${durable}/instances/${encodeURIComponent(id)}`).then((r) => r.status);
    assert.notEqual(await instance(mine), 404);

    const erased = await call('/me', { method: 'DELETE', token: dee.token });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    const remaining = await documentsOf(dee.tenantId);
    for (const name of TENANT_CONTAINERS) assert.deepEqual(remaining[name], [], `${name} is empty for the tenant`);
    assert.deepEqual(await services.blobs().list(dee.tenantId), []);
    // Only an anonymous deletion record remains, in the system container.
    const system = await services.cosmos().container('system');
    const { resources } = await system.items.query('SELECT * FROM c').fetchAll();
    assert.ok(!JSON.stringify(resources).includes(dee.tenantId), 'nothing in the system container names the tenant');
    assert.ok(!JSON.stringify(resources).includes('dee@example.test'));
    const record = resources.find((r: Json) => r.id === `deletion:${erased.body.deletionId}`);
    assert.ok(record, 'the deletion is recorded');
    assert.equal(record.documents.agents, 1);
    assert.equal(await instance(mine), 404, "the tenant's orchestration is purged");
    assert.notEqual(await instance(theirs), 404, "another tenant's orchestration is kept");
    assert.ok(erased.body.orchestrations >= 1);
    // The other tenants are untouched.
    assert.equal((await call('/me', { token: other.token })).status, 200);
  });
});
