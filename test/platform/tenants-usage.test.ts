import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServicesOnEmbeddedCosmos } from '../support/embedded-cosmos';
import type { Services } from '../../shared/app/services';
import type { Principal } from '../../shared/platform/http/principal';
import { tenantIdFor } from '../../shared/identity/jwt-authenticator';
import { LimitExceededError, PreconditionFailedError } from '../../shared/platform/errors';
import { CrossPartitionQueryError } from '../../shared/platform/cosmos/store';
import { createTenantRepository } from '../../shared/platform/cosmos/tenant-repository';

function person(subject: string, email = `${subject}@example.test`): Principal {
  const issuer = 'https://issuer.example.test';
  return { tenantId: tenantIdFor(issuer, subject), issuer, subject, email, name: `Person ${subject}` };
}

let services: Services;
let stop: () => Promise<void>;
let now = new Date('2026-03-31T23:59:00Z');

before(async () => {
  ({ services, stop } = await startServicesOnEmbeddedCosmos(
    { TIER_LIMITS: '{"free":{"runsPerDay":3,"agents":2}}' },
    { now: () => now },
  ));
});
after(() => stop());

describe('personal tenants', () => {
  test('20 concurrent first calls create exactly one tenant and one audit record', async () => {
    const alice = person('alice-concurrent');
    const results = await Promise.all(Array.from({ length: 20 }, () => services.tenants().ensure(alice)));
    assert.equal(new Set(results.map((r) => r.tenantId)).size, 1);
    assert.equal(new Set(results.map((r) => r.createdAt)).size, 1, 'every caller sees the same tenant document');
    const repo = createTenantRepository(services.cosmos(), 'tenants', 'tenant');
    assert.equal(await repo.count(alice.tenantId), 1);
    const audit = await services.audit().list(alice.tenantId, { limit: 100, type: 'tenant.created' });
    assert.equal(audit.items.length, 1);
    assert.equal(results[0]!.timezone, 'UTC');
    assert.equal(results[0]!.tier, 'free');
    assert.equal(results[0]!.displayName, 'Person alice-concurrent');
  });

  test('an update with a stale version is refused with 412 and changes nothing', async () => {
    const bob = person('bob-etag');
    const first = await services.tenants().ensure(bob);
    const updated = await services
      .tenants()
      .update(bob.tenantId, { timezone: 'Europe/Paris' }, { ifMatch: first._etag });
    assert.equal(updated.timezone, 'Europe/Paris');
    assert.notEqual(updated._etag, first._etag);
    await assert.rejects(
      services.tenants().update(bob.tenantId, { timezone: 'Asia/Tokyo' }, { ifMatch: first._etag }),
      PreconditionFailedError,
    );
    assert.equal((await services.tenants().get(bob.tenantId)).timezone, 'Europe/Paris');
    const trail = await services.audit().list(bob.tenantId, { limit: 10, type: 'profile.updated' });
    assert.equal(trail.items.length, 1);
    assert.deepEqual(trail.items[0]!.before, { timezone: 'UTC' });
    assert.deepEqual(trail.items[0]!.after, { timezone: 'Europe/Paris' });
  });
});

describe('concurrent profile changes', () => {
  test('changes without If-Match all land, none is lost', async () => {
    const ivy = person('ivy-concurrent');
    await services.tenants().ensure(ivy);
    await Promise.all([
      services.tenants().update(ivy.tenantId, { timezone: 'Asia/Tokyo' }),
      services.tenants().update(ivy.tenantId, { locale: 'ja-JP' }),
      services.tenants().update(ivy.tenantId, { displayName: 'Ivy' }),
      services.tenants().update(ivy.tenantId, { notifications: { mode: 'off' } }),
      services.tenants().update(ivy.tenantId, { notifications: { digestHour: 6 } }),
    ]);
    const profile = await services.tenants().get(ivy.tenantId);
    assert.equal(profile.timezone, 'Asia/Tokyo');
    assert.equal(profile.locale, 'ja-JP');
    assert.equal(profile.displayName, 'Ivy');
    assert.deepEqual(profile.notifications, { mode: 'off', digestHour: 6, approvalLinks: true });
    const trail = await services.audit().list(ivy.tenantId, { limit: 10, type: 'profile.updated' });
    assert.equal(trail.items.length, 5);
  });
});

describe('usage and limits', () => {
  test('concurrent usage records all count (atomic increments)', async () => {
    const carol = person('carol-usage');
    await services.tenants().ensure(carol);
    await Promise.all(
      Array.from({ length: 40 }, () =>
        services.usage().record(carol.tenantId, { promptTokens: 10, completionTokens: 5, costUsd: 0.001 }),
      ),
    );
    const report = await services.usage().report(carol.tenantId);
    assert.equal(report.month.promptTokens, 400);
    assert.equal(report.month.completionTokens, 200);
    assert.equal(report.today.promptTokens, 400);
    assert.ok(Math.abs(report.month.costUsd - 0.04) < 1e-9);
    assert.equal(report.limits.tokensPerMonth.used, 600);
    assert.equal(report.limits.tokensPerMonth.resetsAt, '2026-04-01T00:00:00.000Z');
  });

  test('runs per day stop at the tier limit and start over the next day', async () => {
    const dan = person('dan-runs');
    await services.tenants().ensure(dan);
    for (let i = 0; i < 3; i++) {
      await services.usage().checkLimit(dan.tenantId, 'runsPerDay');
      await services.usage().record(dan.tenantId, { runs: 1 });
    }
    const err = await services
      .usage()
      .checkLimit(dan.tenantId, 'runsPerDay')
      .catch((e: unknown) => e);
    assert.ok(err instanceof LimitExceededError);
    assert.equal(err.status, 429);
    assert.equal(err.extensions.limit, 'runsPerDay');
    assert.equal(err.extensions.used, 3);
    assert.equal(err.extensions.max, 3);
    assert.equal(err.extensions.resetsAt, '2026-04-01T00:00:00.000Z');
    assert.ok(err.headers['Retry-After']);
    const saved = now;
    now = new Date('2026-04-01T00:00:30Z');
    try {
      await services.usage().checkLimit(dan.tenantId, 'runsPerDay');
      const report = await services.usage().report(dan.tenantId);
      assert.equal(report.today.runs, 0);
      assert.equal(report.month.runs, 0, 'a new month starts at zero too');
    } finally {
      now = saved;
    }
  });

  test('standing counts, schedule interval and tier changes', async () => {
    const erin = person('erin-limits');
    await services.tenants().ensure(erin);
    await services.usage().checkLimit(erin.tenantId, 'agents', { current: 1 });
    await assert.rejects(services.usage().checkLimit(erin.tenantId, 'agents', { current: 2 }), LimitExceededError);
    // Counted from the container when the caller does not say.
    const agents = createTenantRepository<{ id: string; tenantId: string }>(services.cosmos(), 'agents', 'agent');
    await agents.create({ id: 'a1', tenantId: erin.tenantId });
    await agents.create({ id: 'a2', tenantId: erin.tenantId });
    await assert.rejects(
      services.usage().checkLimit(erin.tenantId, 'agents'),
      (e: unknown) => e instanceof LimitExceededError && e.extensions.used === 2,
    );
    await assert.rejects(
      services.usage().checkLimit(erin.tenantId, 'scheduleMinIntervalMinutes', { amount: 15 }),
      LimitExceededError,
    );
    await services.usage().checkLimit(erin.tenantId, 'scheduleMinIntervalMinutes', { amount: 60 });
    await services.tenants().setTier(erin.tenantId, 'pro');
    await services.usage().checkLimit(erin.tenantId, 'scheduleMinIntervalMinutes', { amount: 15 });
    await services.usage().checkLimit(erin.tenantId, 'agents');
    assert.equal(services.usage().tierLimits('pro').agents, 50);
  });
});

describe('tenant partitions', () => {
  test('a query over every tenant cannot be issued on a tenant container', async () => {
    const container = await services.cosmos().container('agents');
    assert.throws(() => container.items.query('SELECT * FROM c'), CrossPartitionQueryError);
    assert.throws(() => container.items.query('SELECT * FROM c', { partitionKey: '' }), CrossPartitionQueryError);
    assert.throws(() => container.items.readAll(), CrossPartitionQueryError);
    assert.throws(() => container.items.changeFeed({}), CrossPartitionQueryError);
    const repo = createTenantRepository(services.cosmos(), 'agents', 'agent');
    await assert.rejects(repo.query('', 'SELECT * FROM c', [], { limit: 10 }), /tenant id is required/);
    await assert.rejects(repo.queryAll(undefined as unknown as string, 'SELECT * FROM c'), /tenant id is required/);
    // Naming the partition works, and only returns that tenant's documents.
    const other = person('frank-partition');
    await repo.create({ id: 'only-mine', tenantId: other.tenantId });
    const { resources } = await container.items.query('SELECT * FROM c', { partitionKey: other.tenantId }).fetchAll();
    assert.deepEqual(
      resources.map((r: { id: string }) => r.id),
      ['only-mine'],
    );
    // The system container is not a tenant path: system-wide lookups stay possible there.
    const system = await services.cosmos().container('system');
    await system.items.query('SELECT * FROM c').fetchAll();
  });
});

describe('audit trail', () => {
  test('paging walks a few hundred records newest first with no duplicates or gaps', async () => {
    const gina = person('gina-audit');
    const total = 260;
    const written: string[] = [];
    for (let batch = 0; batch < total / 20; batch++) {
      const records = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          services.audit().record({
            tenantId: gina.tenantId,
            actor: { type: 'agent', id: 'agent-1' },
            action: (batch * 20 + i) % 2 ? 'suggestion.approved' : 'run.completed',
            target: { type: 'run', id: `r${batch * 20 + i}` },
            outcome: 'success',
            source: 'schedule',
            summary: 'x',
            after: { refreshToken: 'should-not-be-stored', note: 'kept' },
          }),
        ),
      );
      written.push(...records.map((r) => r.id));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await services.audit().list(gina.tenantId, { limit: 37, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
      assert.ok(pages < 50);
    } while (cursor);
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.deepEqual(seen, [...written].sort().reverse());
    const approvals = await services.audit().list(gina.tenantId, { limit: 100, type: 'suggestion.' });
    assert.ok(approvals.items.every((r) => r.action === 'suggestion.approved'));
    const first = await services.audit().list(gina.tenantId, { limit: 1 });
    assert.deepEqual(first.items[0]!.after, { refreshToken: '[redacted]', note: 'kept' });
  });

  test('records past the tenant retention are not shown', async () => {
    const hal = person('hal-retention');
    await services.tenants().ensure(hal);
    await services.tenants().update(hal.tenantId, { auditRetentionDays: 30 });
    const saved = now;
    now = new Date(saved.getTime() - 40 * 86_400_000);
    try {
      await services.audit().record({
        tenantId: hal.tenantId,
        actor: { type: 'system', id: 'x' },
        action: 'old.thing',
        target: { type: 'x', id: 'x' },
        outcome: 'success',
        source: 'system',
        summary: 'old',
      });
    } finally {
      now = saved;
    }
    const page = await services.audit().list(hal.tenantId, { limit: 100 });
    assert.ok(page.items.length >= 2);
    assert.ok(!page.items.some((r) => r.action === 'old.thing'));
    const updated = page.items.find((r) => r.action === 'profile.updated');
    assert.equal(updated?.ttl, 30 * 86_400, 'records written under the policy expire with it');
  });
});
