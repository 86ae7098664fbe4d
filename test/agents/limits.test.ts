// Limits under concurrency: runs counted when accepted, model calls reserved before they are sent and settled after,
// against the local runtime (embedded Cosmos-API server) and a deliberately slow OpenAI-compatible fake model.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenMeter } from '../../shared/identity/usage';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { eventually, startTestPlatform, type TestPlatform, type Person } from '../support/platform';
import { answerTasks } from '../support/task-answers';

const TOKENS_PER_MONTH = 20_000;
const RUN_MAX_TOKENS = 15_000;
const MAX_OUTPUT = 6_000;

let fake: FakeOpenAi;
let p: TestPlatform;

before(async () => {
  fake = await startFakeOpenAi();
  fake.fallback = answerTasks();
  fake.delayMs = 400;
  p = await startTestPlatform({
    settings: {
      // The meters are what this measures; one person's hundreds of polls a second would meet the API rate limit.
      API_RATE_LIMIT_ENABLED: 'false',
      AI_PROVIDER: 'compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_API_KEY: 'test-key',
      AI_MAX_RETRIES: '0',
      AI_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT),
      RUN_MAX_TOKENS: String(RUN_MAX_TOKENS),
      TIER_LIMITS: JSON.stringify({
        free: { runsPerDay: 5 },
        pro: { runsPerDay: 1_000, tokensPerMonth: TOKENS_PER_MONTH, agents: 50 },
        team: { runsPerDay: 1_000, agents: 50 },
      }),
    },
  });
});
after(async () => {
  await p?.platform.stop();
  await fake?.close();
});

async function personWithMail(email: string, tier: 'free' | 'pro' | 'team'): Promise<Person> {
  const person = await p.person(email);
  await p.services.tenants().setTier(person.tenantId, tier);
  await p.connectGoogle(person);
  return person;
}

async function createAgent(person: Person, body: Record<string, unknown>): Promise<string> {
  const res = await p.json('/agents', { method: 'POST', token: person.token, json: body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

/**
 * Reads a meter over and over while work runs, asserting `used + reserved ≤ limit` on every read: a reservation
 * that passed the limit for even a moment (between a reservation and its settle) is caught.
 */
function watchMeter(read: () => Promise<{ used: number; reserved: number }>, limit: number) {
  let stop = false;
  let reads = 0;
  let highest = 0;
  let sawReserved = false;
  const loop = (async () => {
    while (!stop) {
      const m = await read();
      reads++;
      sawReserved ||= m.reserved > 0;
      highest = Math.max(highest, m.used + m.reserved);
      assert.ok(m.used + m.reserved <= limit, `used ${m.used} + reserved ${m.reserved} passed ${limit}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  return {
    async done() {
      stop = true;
      await loop;
      return { reads, highest, sawReserved };
    },
  };
}

async function startAll(person: Person, body: Record<string, unknown>, n: number) {
  return Promise.all(
    Array.from({ length: n }, () => p.json('/orchestration/runs', { method: 'POST', token: person.token, json: body })),
  );
}

describe('limits hold under concurrency', () => {
  test('20 simultaneous starts against runsPerDay 5: exactly 5 are accepted, the others answer 429', async () => {
    const ada = await personWithMail('ada@limits.test', 'free');
    const agentId = await createAgent(ada, { templateId: 'daily-digest' });
    const answers = await startAll(ada, { agentId }, 20);
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(accepted.length, 5);
    assert.equal(refused.length, 15);
    assert.equal(refused[0]!.body.limit, 'runsPerDay');
    assert.match(refused[0]!.headers.get('content-type') ?? '', /problem\+json/);
    assert.ok(Number(refused[0]!.headers.get('retry-after')) > 0, 'Retry-After until the day resets');
    const runs = await p.json('/orchestration/runs?limit=50', { token: ada.token });
    assert.equal(runs.body.items.length, 5, 'no run document for a refused start');
    const usage = await p.json('/usage', { token: ada.token });
    assert.equal(usage.body.limits.runsPerDay.used, 5);
    for (const a of accepted) await p.finishedRun(ada, a.body.id, 120_000);
  });

  test('10 simultaneous runs against tokensPerMonth: the month never passes its limit; runs beyond it stop', async () => {
    const bo = await personWithMail('bo@limits.test', 'pro');
    const agentId = await createAgent(bo, { templateId: 'daily-digest' });
    const watch = watchMeter(() => p.services.usage().tokenMeter(bo.tenantId, 'tenantMonth'), TOKENS_PER_MONTH);
    const answers = await startAll(bo, { agentId }, 10);
    assert.ok(answers.every((a) => a.status === 202));
    const runs = await Promise.all(answers.map((a) => p.finishedRun(bo, a.body.id, 180_000)));
    const { sawReserved } = await watch.done();
    assert.ok(sawReserved, 'reservations were seen in flight');

    const completed = runs.filter((r) => r.status === 'completed');
    const stopped = runs.filter((r) => r.status === 'stopped');
    assert.ok(completed.length >= 1, 'some runs fit');
    assert.ok(stopped.length >= 1, 'the runs beyond the limit stop');
    assert.equal(completed.length + stopped.length, 10);
    for (const run of stopped) {
      assert.equal(run.stopKind, 'limit');
      assert.equal(run.stopLimit.name, 'tokensPerMonth');
      assert.ok(Date.parse(run.stopLimit.resetsAt) > Date.now(), 'says when the month resets');
      assert.match(run.reason, /model tokens this month/);
      assert.equal(run.steps[0].status, 'stopped');
    }
    const meter = await p.services.usage().tokenMeter(bo.tenantId, 'tenantMonth');
    assert.equal(meter.reserved, 0, 'every reservation was settled or released');
    const spent = runs.reduce((n, r) => n + r.tokens.prompt + r.tokens.completion, 0);
    assert.equal(meter.used, spent, 'the meter charged exactly what the runs used');
    assert.ok(meter.used <= TOKENS_PER_MONTH);
    const usage = await p.json('/usage', { token: bo.token });
    assert.equal(usage.body.limits.tokensPerMonth.used, meter.used);
  });

  test("10 simultaneous runs against an agent's monthly budget: the budget holds; the runs beyond it stop", async () => {
    const cy = await personWithMail('cy@limits.test', 'team');
    const budget = 12_000;
    const agentId = await createAgent(cy, { templateId: 'daily-digest', tokenBudget: { perMonth: budget } });
    const meter: TokenMeter = { kind: 'agentMonth', agentId, agentName: 'Daily digest', limit: budget };
    const watch = watchMeter(() => p.services.usage().tokenMeter(cy.tenantId, meter), budget);
    const answers = await startAll(cy, { agentId }, 10);
    const runs = await Promise.all(answers.map((a) => p.finishedRun(cy, a.body.id, 180_000)));
    await watch.done();
    const stopped = runs.filter((r) => r.status === 'stopped');
    assert.ok(stopped.length >= 1 && stopped.length < 10, `${stopped.length} of 10 stopped`);
    for (const run of stopped) {
      assert.equal(run.stopKind, 'budget');
      assert.equal(run.stopLimit.name, 'agentTokensPerMonth');
      assert.match(run.reason, /monthly budget of 12000 tokens/);
    }
    const after = await p.services.usage().tokenMeter(cy.tenantId, meter);
    assert.equal(after.reserved, 0);
    assert.ok(after.used <= budget);
    assert.equal(
      after.used,
      runs.reduce((n, r) => n + r.tokens.prompt + r.tokens.completion, 0),
    );
  });

  test("a parallel workflow shares the run's cap: its parallel steps never pass RUN_MAX_TOKENS together", async () => {
    const di = await personWithMail('di@limits.test', 'team');
    const agents = [];
    for (let i = 0; i < 3; i++) agents.push(await createAgent(di, { templateId: 'daily-digest', name: `Digest ${i}` }));
    const coordinator = await createAgent(di, { templateId: 'coordinator' });
    const workflow = await p.json('/workflows', {
      method: 'POST',
      token: di.token,
      json: {
        name: 'Three digests',
        mode: 'parallel',
        steps: agents.map((agentId) => ({ agentId })),
        coordinatorAgentId: coordinator,
      },
    });
    assert.equal(workflow.status, 201, JSON.stringify(workflow.body));
    // The model answers nobody until a step has stopped, so the parallel steps are in flight together whatever the
    // machine's speed: two reservations (prompt + 6000 tokens of output each) fill the run's cap, the third cannot fit.
    fake.queue.push({ hold: true }, { hold: true });
    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: di.token,
      json: { workflowId: workflow.body.id },
    });
    const runMeter: TokenMeter = { kind: 'run', runId: started.body.id, limit: RUN_MAX_TOKENS };
    const watch = watchMeter(() => p.services.usage().tokenMeter(di.tenantId, runMeter), RUN_MAX_TOKENS);
    await eventually(
      () => p.json(`/orchestration/runs/${started.body.id}`, { token: di.token }),
      (r) => {
        const stopped = r.body.steps.filter((s: { status: string }) => s.status === 'stopped').length;
        return stopped > 0 && stopped + fake.inFlight === 3;
      },
      'every parallel step to be waiting for the model or stopped at the run cap',
      120_000,
    );
    fake.queue.length = 0;
    fake.release();
    const run = await p.finishedRun(di, started.body.id, 120_000);
    await watch.done();
    assert.equal(run.status, 'stopped');
    assert.equal(run.stopKind, 'budget');
    assert.equal(run.stopLimit.name, 'runMaxTokens');
    assert.equal(run.stopLimit.resetsAt, null);
    assert.match(run.reason, /cap of 15000 tokens/);
    const steps = run.steps.filter((s: any) => s.role === 'step');
    assert.ok(
      steps.some((s: any) => s.status === 'completed'),
      'the step that fit kept its result',
    );
    assert.ok(steps.some((s: any) => s.status === 'stopped'));
    assert.equal(run.steps.find((s: any) => s.role === 'coordinator').status, 'skipped');
    const meter = await p.services.usage().tokenMeter(di.tenantId, runMeter);
    assert.equal(meter.reserved, 0);
    assert.equal(meter.used, run.tokens.prompt + run.tokens.completion);
    assert.ok(meter.used <= RUN_MAX_TOKENS);
  });
});

describe('reservations', () => {
  test('concurrent reservations and settles keep used + reserved within the limit after every settle', async () => {
    const ed = await p.person('ed@limits.test');
    await p.services.tenants().setTier(ed.tenantId, 'pro');
    const usage = p.services.usage();
    const read = () => usage.tokenMeter(ed.tenantId, 'tenantMonth');
    let accepted = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        let reservation;
        try {
          reservation = await usage.reserveTokens(ed.tenantId, {
            id: `call-${i}`,
            tokens: 3_000,
            meters: [],
            holdForMs: 60_000,
          });
        } catch (err) {
          assert.equal((err as { limit?: string }).limit, 'tokensPerMonth');
          refused++;
          return;
        }
        accepted++;
        const m = await read();
        assert.ok(m.used + m.reserved <= TOKENS_PER_MONTH, `after reserving: ${m.used} + ${m.reserved}`);
        await usage.settleTokens(reservation, {
          promptTokens: 1_000,
          cachedPromptTokens: 0,
          completionTokens: 200,
          costUsd: 0,
        });
        const settled = await read();
        assert.ok(
          settled.used + settled.reserved <= TOKENS_PER_MONTH,
          `after settling: ${settled.used} + ${settled.reserved}`,
        );
        // Settling the same reservation again (a retried activity) changes nothing.
        await usage.settleTokens(reservation, {
          promptTokens: 1_000,
          cachedPromptTokens: 0,
          completionTokens: 200,
          costUsd: 0,
        });
      }),
    );
    const m = await read();
    assert.equal(m.reserved, 0);
    assert.equal(m.used, accepted * 1_200, 'each reservation settled exactly once');
    assert.ok(accepted >= 6 && refused >= 1, `${accepted} accepted, ${refused} refused`);
  });

  test('a reservation whose call never finished is released by the sweep; a late settle changes nothing', async () => {
    const flo = await p.person('flo@limits.test');
    const usage = p.services.usage();
    const before = await usage.tokenMeter(flo.tenantId, 'tenantMonth');
    const leaked = await usage.reserveTokens(flo.tenantId, {
      id: 'crashed-call',
      tokens: 5_000,
      meters: [{ kind: 'run', runId: 'run_crashed', limit: RUN_MAX_TOKENS }],
      holdForMs: 1,
    });
    assert.equal((await usage.tokenMeter(flo.tenantId, 'tenantMonth')).reserved, before.reserved + 5_000);
    await eventually(
      () => usage.sweepReservations(),
      () => true,
      'sweep',
    );
    await eventually(
      () => usage.tokenMeter(flo.tenantId, 'tenantMonth'),
      (m) => m.reserved === before.reserved,
      'the leaked reservation to be released',
    );
    const run = await usage.tokenMeter(flo.tenantId, { kind: 'run', runId: 'run_crashed', limit: RUN_MAX_TOKENS });
    assert.deepEqual(run, { used: 0, reserved: 0 });
    await usage.settleTokens(leaked, { promptTokens: 100, cachedPromptTokens: 0, completionTokens: 10, costUsd: 0 });
    assert.deepEqual(await usage.tokenMeter(flo.tenantId, 'tenantMonth'), before);
  });
});

describe('a host killed in the middle of a model call', () => {
  test('the step runs again after restart and its model call is settled once; nothing stays reserved', async () => {
    const gus = await personWithMail('gus@limits.test', 'team');
    const agentId = await createAgent(gus, { templateId: 'daily-digest' });
    const month = () => p.services.usage().tokenMeter(gus.tenantId, 'tenantMonth');
    const sent = fake.requests.length;
    fake.queue.push({ hold: true });
    const started = await p.json('/orchestration/runs', { method: 'POST', token: gus.token, json: { agentId } });
    assert.equal(started.status, 202);
    await eventually(month, (m) => m.reserved > 0 && fake.inFlight > 0, 'the model call to be reserved and sent');
    // The embedded stores keep data in memory and save it shortly after writes (Cosmos-API server) or every few
    // seconds (Azurite); a SIGKILL loses what was not saved yet, where Azure loses nothing. Kill once the step's
    // snapshot and the reservation are on disk, as they would be in Azure.
    const saved = (dir: string, match: (name: string) => boolean) =>
      existsSync(dir)
        ? readdirSync(dir)
            .filter(match)
            .map((name) => readFileSync(join(dir, name), 'utf8'))
            .join('\n')
        : '';
    await eventually(
      async () => ({
        cosmos: saved(join(p.platform.dataDir, 'cosmos'), (n) => n === 'snapshot.json'),
        blobs: saved(join(p.platform.dataDir, 'azurite'), (n) => n.includes('blob') && n.endsWith('.json')),
      }),
      ({ cosmos, blobs }) =>
        cosmos.includes('"pk":"reservations"') &&
        cosmos.includes(`limit:run:${started.body.id}`) &&
        blobs.includes(`tenants/${gus.tenantId}/snapshots/`),
      'the step snapshot and the reservation to be saved by the embedded stores',
      60_000,
    );

    await p.platform.kill();
    fake.release();
    await p.platform.restart();

    const run = await p.finishedRun(gus, started.body.id, 180_000);
    assert.equal(run.status, 'completed', run.reason);
    assert.equal(fake.requests.length - sent, 2, 'the lost call and the one made again after the restart');
    const after = await month();
    assert.equal(after.reserved, 0, 'the first attempt’s reservation was taken over and settled, not leaked');
    assert.equal(after.used, run.tokens.prompt + run.tokens.completion, 'charged once, for the call that answered');
    assert.equal(await p.services.usage().sweepReservations(), 0, 'nothing left for the sweep');
  });
});
