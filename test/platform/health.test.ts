// GET /api/health: dependency checks reused for a few seconds, and no raw error text in the report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { createHealthMonitor } from '../../shared/platform/health/health';

let platform: LocalPlatform;

before(async () => {
  platform = await startLocalPlatform();
});
after(() => platform?.stop());

test('health answers from one round of checks for a few seconds', async () => {
  const first = await platform.api('/health');
  const report = (await first.json()) as { status: string; checkedAt: string; components: Record<string, unknown> };
  assert.equal(first.status, 200, JSON.stringify(report));
  const burst = await Promise.all(Array.from({ length: 10 }, () => platform.api('/health').then((r) => r.json())));
  for (const again of burst) assert.deepEqual(again, report);
});

test('checks run once per cache period however many callers wait, and a failure shows no error text', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const monitor = createHealthMonitor({ clock: { now: () => new Date(now) }, cacheMs: 5_000, timeoutMs: 200 });
  let runs = 0;
  const logged: string[] = [];
  const checks = {
    cosmos: async () => {
      runs++;
    },
    blob: async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.4:443 AccountKey=s3cr3t');
    },
    broker: () => new Promise<void>(() => undefined),
  };
  const onFailure = (component: string) => logged.push(component);
  const reports = await Promise.all([1, 2, 3].map(() => monitor.report(checks, onFailure)));
  assert.equal(runs, 1);
  assert.deepEqual(logged.sort(), ['blob', 'broker']);
  const report = reports[0]!;
  assert.equal(report.status, 'degraded');
  assert.deepEqual(report.components.blob, {
    status: 'down',
    latencyMs: report.components.blob!.latencyMs,
    detail: 'the check failed',
  });
  assert.equal(report.components.broker!.detail, 'no answer within 200 ms');
  assert.doesNotMatch(JSON.stringify(report), /ECONNREFUSED|10\.0\.0\.4|s3cr3t/);

  // A degraded report is looked at again after a second; a healthy one is kept for the cache period.
  now += 1_001;
  const healthy = { cosmos: checks.cosmos };
  const ok = await monitor.report(healthy);
  assert.equal(runs, 2);
  assert.equal(ok.status, 'ok');
  now += 4_000;
  assert.equal(await monitor.report(healthy), ok);
  assert.equal(runs, 2);
  now += 1_001;
  await monitor.report(healthy);
  assert.equal(runs, 3);
});
