// Durability of the local runtime's Durable engine: a host killed with SIGKILL mid-orchestration resumes after a
// restart and completes; no activity is lost, and none whose completion was recorded runs again.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DurableStore } from '../../local/durable/store';
import type { LocalPlatform } from '../../local/testing';
import { call, startFixtureHost, status, untilStatus, waitFor } from '../support/durable-host';

const effectsDir = mkdtempSync(join(tmpdir(), 'durable-effects-'));
const platforms: LocalPlatform[] = [];

async function host(): Promise<LocalPlatform> {
  const started = await startFixtureHost({ DURABLE_FIXTURE_EFFECTS_DIR: effectsDir });
  platforms.push(started);
  return started;
}

function effectLines(): string[] {
  const path = join(effectsDir, 'effects.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

after(async () => {
  for (const platform of platforms) await platform.stop();
  rmSync(effectsDir, { recursive: true, force: true });
});

/** Step numbers whose completion the killed host had recorded (in the history or still in the inbox). */
function recordedSteps(dataDir: string, instanceId: string): number[] {
  const store = new DurableStore(dataDir);
  store.load(() => {});
  store.close();
  const instance = store.instances.get(instanceId);
  assert.ok(instance, 'the instance survived the crash');
  assert.equal(instance.runtimeStatus, 'Running');
  return [...instance.history, ...instance.inbox]
    .filter((e) => e.EventType === 5)
    .map((e) => e.TaskScheduledId as number);
}

function assertRanOnce(key: string, steps: number, recorded: number[]): void {
  const counts = new Map<string, number>();
  for (const line of effectLines()) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (let i = 0; i < steps; i++) assert.ok((counts.get(`${key}:${i}`) ?? 0) >= 1, `step ${i} ran`);
  for (const i of recorded)
    assert.equal(counts.get(`${key}:${i}`), 1, `step ${i} completed before the crash and ran once`);
}

for (const [orchestrator, steps, concurrent] of [
  ['chain', 8, 1],
  ['fanOutSteps', 40, 4],
] as const) {
  test(`a host killed mid-${orchestrator} resumes after restart; recorded activities never run again`, async () => {
    const key = `${orchestrator}-1`;
    const platform = await host();
    const started = await call(platform.origin, 'POST', `/api/start/${orchestrator}/${key}`, { key, steps, ms: 120 });
    assert.equal(started.status, 202);
    await waitFor(
      async () => effectLines().filter((l) => l.startsWith(`${key}:`)).length >= 3 * concurrent,
      20_000,
      'some steps to run',
    );
    await platform.kill();

    const recorded = recordedSteps(platform.dataDir, key);
    assert.ok(recorded.length >= 2 * concurrent, `completions were recorded before the kill (got ${recorded.length})`);
    assert.ok(recorded.length < steps, 'the host was killed before the end');

    await platform.restart();
    const done = await untilStatus(platform.origin, key, ['Completed'], 30_000);
    assert.equal(done.output, steps);
    assertRanOnce(key, steps, recorded);
    // At-least-once: only steps that were running at the crash (at most one per concurrent slot) may have run twice.
    const repeated = effectLines().filter((l, n, all) => l.startsWith(`${key}:`) && all.indexOf(l) !== n);
    assert.ok(repeated.length <= concurrent, `steps run twice: ${repeated.join(', ')}`);
  });
}

test('a timer that came due while the host was down fires on start', async () => {
  const platform = await host();
  await call(platform.origin, 'POST', '/api/start/approval/late-timer', { name: 'zoe', timeoutMs: 1500 });
  const timer = await waitFor(
    async () => {
      const reply = await status(platform.origin, 'late-timer', true);
      return reply.body.historyEvents?.find((e: any) => e.EventType === 'TimerCreated');
    },
    10_000,
    'the timer to be created',
  );
  await platform.kill();
  const fireAt = Date.parse(timer.FireAt);
  await waitFor(async () => Date.now() > fireAt + 100, 10_000, 'the timer to come due while the host is down');

  await platform.restart();
  const done = await untilStatus(platform.origin, 'late-timer', ['Completed'], 10_000);
  assert.deepEqual(done.output, { r: 'Hello zoe', approved: false });
});

test('state survives a graceful restart and a torn journal line is ignored', async () => {
  const platform = await host();
  await call(platform.origin, 'POST', '/api/start/waitForGo/survivor', undefined);
  await untilStatus(platform.origin, 'survivor', ['Running']);
  await platform.stop();

  // A write cut short by a crash leaves half a line at the end of the journal.
  appendFileSync(join(platform.dataDir, 'durable', 'journal.jsonl'), '{"s":999999,"i":[{"m":{"instanceId":"surv');

  await platform.restart();
  const reply = await status(platform.origin, 'survivor');
  assert.equal(reply.body.runtimeStatus, 'Running');
  await call(platform.origin, 'POST', '/api/manage/survivor/raise/Go', 'again');
  const done = await untilStatus(platform.origin, 'survivor', ['Completed']);
  assert.deepEqual(done.output, { got: 'again' });
});
