// Durability of the local runtime's Durable engine: a host killed with SIGKILL mid-orchestration resumes after a
// restart and completes; no activity is lost, and none whose completion was recorded runs again.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DurableStore } from '../../local/durable/store';
import { call, startFixtureHost, status, untilStatus, waitFor, type FixtureHost } from '../fixtures/durable-host/client';

const dirs: string[] = [];
const hosts: FixtureHost[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'durable-restart-'));
  dirs.push(dir);
  return dir;
}

async function host(dataDir: string, effectsDir?: string): Promise<FixtureHost> {
  const started = await startFixtureHost(dataDir, effectsDir ? { DURABLE_FIXTURE_EFFECTS_DIR: effectsDir } : {});
  hosts.push(started);
  return started;
}

function effectLines(effectsDir: string): string[] {
  const path = join(effectsDir, 'effects.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

after(async () => {
  for (const h of hosts) await h.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('a host killed mid-orchestration resumes after restart; recorded activities never run again', async () => {
  const dataDir = tempDir();
  const effectsDir = tempDir();
  const steps = 8;
  const first = await host(dataDir, effectsDir);
  const started = await call(first.base, 'POST', '/api/start/chain/chain-1', { key: 'chain-1', steps, ms: 120 });
  assert.equal(started.status, 202);
  await waitFor(async () => effectLines(effectsDir).length >= 3, 20_000, 'three steps to run');
  await first.kill();

  // What the killed host had recorded: the completed steps.
  const store = new DurableStore(dataDir);
  store.load(() => {});
  store.close();
  const before = store.instances.get('chain-1');
  assert.ok(before, 'the instance survived the crash');
  assert.equal(before.runtimeStatus, 'Running');
  const recorded = before.history.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId as number);
  assert.ok(recorded.length >= 2, `at least two completions were recorded (got ${recorded.length})`);

  const second = await host(dataDir, effectsDir);
  const done = await untilStatus(second.base, 'chain-1', ['Completed'], 30_000);
  assert.equal(done.output, steps);

  const counts = new Map<string, number>();
  for (const line of effectLines(effectsDir)) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (let i = 0; i < steps; i++) assert.ok((counts.get(`chain-1:${i}`) ?? 0) >= 1, `step ${i} ran`);
  for (const i of recorded) assert.equal(counts.get(`chain-1:${i}`), 1, `step ${i} completed before the crash and ran once`);
  const repeated = [...counts.entries()].filter(([, n]) => n > 1);
  assert.ok(repeated.length <= 1, `only the step in flight at the crash may run again (at-least-once): ${JSON.stringify(repeated)}`);
  assert.equal(await second.stop(), 0);
});

test('a timer that came due while the host was down fires on start', async () => {
  const dataDir = tempDir();
  const first = await host(dataDir);
  await call(first.base, 'POST', '/api/start/approval/late-timer', { name: 'zoe', timeoutMs: 1500 });
  const waiting = await waitFor(
    async () => {
      const reply = await status(first.base, 'late-timer', true);
      return reply.body.historyEvents?.find((e: any) => e.EventType === 'TimerCreated');
    },
    10_000,
    'the timer to be created',
  );
  await first.kill();
  const fireAt = Date.parse(waiting.FireAt);
  await waitFor(async () => Date.now() > fireAt + 100, 10_000, 'the timer to come due while the host is down');

  const second = await host(dataDir);
  const done = await untilStatus(second.base, 'late-timer', ['Completed'], 10_000);
  assert.deepEqual(done.output, { r: 'Hello zoe', approved: false });
  assert.equal(await second.stop(), 0);
});

test('state survives a graceful restart and a torn journal line is ignored', async () => {
  const dataDir = tempDir();
  const first = await host(dataDir);
  await call(first.base, 'POST', '/api/start/waitForGo/survivor', undefined);
  await untilStatus(first.base, 'survivor', ['Running']);
  assert.equal(await first.stop(), 0);

  // A write cut short by a crash leaves half a line at the end of the journal.
  const journal = join(dataDir, 'durable', 'journal.jsonl');
  mkdirSync(join(dataDir, 'durable'), { recursive: true });
  const { appendFileSync } = await import('node:fs');
  appendFileSync(journal, '{"s":999999,"i":[{"m":{"instanceId":"surv');

  const second = await host(dataDir);
  const reply = await status(second.base, 'survivor');
  assert.equal(reply.body.runtimeStatus, 'Running');
  await call(second.base, 'POST', '/api/manage/survivor/raise/Go', 'again');
  const done = await untilStatus(second.base, 'survivor', ['Completed']);
  assert.deepEqual(done.output, { got: 'again' });
  assert.equal(await second.stop(), 0);
});
