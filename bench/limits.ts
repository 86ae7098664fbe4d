/**
 * Limits under concurrency, on the local runtime (embedded Cosmos-API server) with a deliberately slow
 * OpenAI-compatible fake model. For 10 and 50 simultaneous runs it prints:
 *   - runs accepted versus `runsPerDay` (simultaneous starts of one person);
 *   - tokens used and reserved versus `tokensPerMonth`, at their highest while the runs were in flight (sampled), and
 *     the overrun (must be 0);
 *   - the latency a reservation adds to one model call: reserve before + settle after, on the four meters a step
 *     uses, with as many calls in flight as runs (p50 / p99, ms);
 *   - API throughput with the per-tenant rate limiter on versus off (aim: at least 95%): one signed-in list route,
 *     on two local platforms that differ only in `API_RATE_LIMIT_ENABLED` (buckets large enough that nothing is
 *     refused, so what is measured is what taking a token costs), in interleaved rounds, the median round of each.
 *
 *   npm run bench:limits            # MODEL_DELAY_MS=500 by default; RATE_SECONDS=5 per round, RATE_ROUNDS=7
 *   npm run bench:limits -- --rate  # only the rate-limit line
 */
import { startLocalPlatform, type LocalPlatform } from '../local/testing';
import { startFakeOpenAi } from '../test/support/fake-openai';
import { startTestPlatform, type Person, type TestPlatform } from '../test/support/platform';
import { answerTasks } from '../test/support/task-answers';
import { systemClock } from '../shared/platform/clock';
import { resolveRateLimits } from '../shared/platform/config/rate-limits';
import { createRateLimiter } from '../shared/platform/http/rate-limit';

const CONCURRENCY = [10, 50];
const MODEL_DELAY_MS = Number(process.env.MODEL_DELAY_MS ?? 500);
const RUNS_PER_DAY = 5;
const TOKENS_PER_MONTH = 6_000;
const MAX_OUTPUT = 1_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function person(p: TestPlatform, email: string, tier: 'free' | 'pro'): Promise<{ who: Person; agentId: string }> {
  const who = await p.person(email);
  await p.services.tenants().setTier(who.tenantId, tier);
  await p.connectGoogle(who);
  const agent = await p.json('/agents', { method: 'POST', token: who.token, json: { templateId: 'daily-digest' } });
  if (agent.status !== 201) throw new Error(`agent: ${agent.status} ${JSON.stringify(agent.body)}`);
  return { who, agentId: agent.body.id };
}

async function startRuns(p: TestPlatform, who: Person, agentId: string, n: number) {
  return Promise.all(
    Array.from({ length: n }, () =>
      p.json('/orchestration/runs', { method: 'POST', token: who.token, json: { agentId } }),
    ),
  );
}

async function runsLimit(p: TestPlatform, n: number) {
  const { who, agentId } = await person(p, `runs-${n}@bench.test`, 'free');
  const answers = await startRuns(p, who, agentId, n);
  const accepted = answers.filter((a) => a.status === 202);
  await Promise.all(accepted.map((a) => p.finishedRun(who, a.body.id, 600_000)));
  return { accepted: accepted.length, refused: answers.filter((a) => a.status === 429).length };
}

async function tokensLimit(p: TestPlatform, n: number) {
  const { who, agentId } = await person(p, `tokens-${n}@bench.test`, 'pro');
  const meter = () => p.services.usage().tokenMeter(who.tenantId, 'tenantMonth');
  let sampling = true;
  let peak = { used: 0, reserved: 0 };
  const sampler = (async () => {
    while (sampling) {
      const m = await meter();
      if (m.used + m.reserved > peak.used + peak.reserved) peak = m;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const answers = await startRuns(p, who, agentId, n);
  const runs = await Promise.all(
    answers.filter((a) => a.status === 202).map((a) => p.finishedRun(who, a.body.id, 600_000)),
  );
  sampling = false;
  await sampler;
  const end = await meter();
  return {
    completed: runs.filter((r) => r.status === 'completed').length,
    stopped: runs.filter((r) => r.status === 'stopped').length,
    failed: runs.filter((r) => r.status === 'failed').map((r) => r.reason as string),
    peak,
    end,
    overrun: Math.max(0, peak.used + peak.reserved - TOKENS_PER_MONTH, end.used + end.reserved - TOKENS_PER_MONTH),
  };
}

/** Reserve → (the model's time) → settle, `n` at once, on a step's four meters; the store round trips are timed. */
async function reservationLatency(p: TestPlatform, n: number) {
  const who = await p.person(`latency-${n}@bench.test`);
  const usage = p.services.usage();
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const runId = `run_bench_${n}_${i}`;
      const t0 = performance.now();
      const reservation = await usage.reserveTokens(who.tenantId, {
        id: `${runId}:main:0:0`,
        tokens: 3_000,
        meters: [
          { kind: 'run', runId, limit: 400_000 },
          { kind: 'agentMonth', agentId: 'agent_bench', agentName: 'Bench', limit: null },
          { kind: 'agentRun', agentId: 'agent_bench', agentName: 'Bench', runId, limit: 100_000 },
        ],
        holdForMs: 600_000,
      });
      const reserved = performance.now() - t0;
      await new Promise((r) => setTimeout(r, MODEL_DELAY_MS));
      const t1 = performance.now();
      await usage.settleTokens(reservation, {
        promptTokens: 1_000,
        cachedPromptTokens: 0,
        completionTokens: 100,
        costUsd: 0,
      });
      samples.push(reserved + performance.now() - t1);
    }),
  );
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

interface Cannon {
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  headers: Record<string, string>;
}) => Promise<Cannon>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/** Requests/s of `GET /api/agents` with the rate limiter on and off (median of interleaved rounds). */
async function rateLimitThroughput(): Promise<{
  on: number;
  off: number;
  /** The median of each round's on/off ratio: adjacent runs share the machine's load of the moment. */
  pairedRatio: number;
  rounds: Record<'on' | 'off', number[]>;
}> {
  const seconds = Number(process.env.RATE_SECONDS ?? 5);
  const rounds = Number(process.env.RATE_ROUNDS ?? 7);
  // Large enough that no request is refused: the cost of counting is measured, not the refusals.
  const huge = JSON.stringify({ free: { burst: 100_000_000, perMinute: 100_000_000 } });
  const platforms: Record<'on' | 'off', LocalPlatform> = {
    on: await startLocalPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'true', API_RATE_LIMITS: huge } }),
    off: await startLocalPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'false' } }),
  };
  try {
    const targets = {} as Record<'on' | 'off', { url: string; headers: Record<string, string> }>;
    for (const [name, platform] of Object.entries(platforms) as ['on' | 'off', LocalPlatform][]) {
      const token = await platform.token(`rate-${name}@bench.test`);
      if ((await platform.api('/me', { token })).status !== 200) throw new Error(`${name}: GET /api/me failed`);
      targets[name] = { url: `${platform.apiUrl}/agents?limit=5`, headers: { authorization: `Bearer ${token}` } };
      await autocannon({ ...targets[name], connections: 10, duration: 2, timeout: 60 }); // warm-up
    }
    const results: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round < rounds; round++) {
      for (const name of round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const r = await autocannon({ ...targets[name], connections: 10, duration: seconds, timeout: 60 });
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(`rate limiting ${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
        results[name].push(r.requests.average);
      }
    }
    const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
    const ratios = results.on.map((on, i) => on / results.off[i]!);
    return { on: median(results.on), off: median(results.off), pairedRatio: median(ratios), rounds: results };
  } finally {
    await Promise.all(Object.values(platforms).map((platform) => platform.stop()));
  }
}

/** What taking a token costs the process, per request (µs): the limiter alone, on a thousand tenants' buckets. */
async function limiterCostMicros(): Promise<number> {
  const limiter = createRateLimiter({
    clock: systemClock,
    sizes: resolveRateLimits({ free: { burst: 100_000_000, perMinute: 100_000_000 } }),
    tierOf: async () => 'free',
  });
  const calls = 300_000;
  for (let i = 0; i < 10_000; i++) await limiter.takeForTenant(`t${i % 1000}`); // warm-up
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) await limiter.takeForTenant(`t${i % 1000}`);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

async function main() {
  if (!process.argv.includes('--rate')) await meters();
  const micros = await limiterCostMicros();
  console.log('\nAPI throughput with rate limiting on versus off (GET /api/agents, 10 connections)…');
  const rate = await rateLimitThroughput();
  console.log(
    `rate limiting on: ${rate.on.toFixed(0)} req/s, off: ${rate.off.toFixed(0)} req/s, ` +
      `on/off ${((100 * rate.on) / rate.off).toFixed(1)}% (aim: at least 95%)`,
  );
  // The rounds show how much the machine's own load moves the numbers.
  const each = (list: number[]) => list.map((n) => n.toFixed(0)).join(', ');
  console.log(`  rounds (req/s) on: ${each(rate.rounds.on)}; off: ${each(rate.rounds.off)}`);
  console.log(`  on/off round by round (median of adjacent pairs): ${(100 * rate.pairedRatio).toFixed(1)}%`);
  // The host serves requests on one thread: at the "off" rate each request has 1/off s of its CPU time.
  console.log(
    `  the limiter's own cost: ${micros.toFixed(2)} µs of CPU per request, ` +
      `${((micros * rate.off) / 10_000).toFixed(2)}% of a request's time at the "off" rate`,
  );
}

async function meters() {
  const fake = await startFakeOpenAi();
  fake.fallback = answerTasks();
  fake.delayMs = MODEL_DELAY_MS;
  console.log(`starting the local platform (fake model answering after ${MODEL_DELAY_MS} ms)…`);
  const p = await startTestPlatform({
    settings: {
      // The meters are what this measures; one person's hundreds of polls a second would meet the API rate limit.
      API_RATE_LIMIT_ENABLED: 'false',
      AI_PROVIDER: 'compatible',
      AI_BASE_URL: fake.baseUrl,
      AI_API_KEY: 'bench',
      AI_MAX_RETRIES: '0',
      AI_MAX_OUTPUT_TOKENS: String(MAX_OUTPUT),
      TIER_LIMITS: JSON.stringify({
        free: { runsPerDay: RUNS_PER_DAY },
        pro: { runsPerDay: 10_000, tokensPerMonth: TOKENS_PER_MONTH },
      }),
    },
  });
  try {
    const rows: string[][] = [];
    for (const n of CONCURRENCY) {
      console.log(`${n} simultaneous runs…`);
      const runs = await runsLimit(p, n);
      const tokens = await tokensLimit(p, n);
      const latency = await reservationLatency(p, n);
      for (const reason of new Set(tokens.failed)) console.log(`  a run failed: ${reason}`);
      rows.push([
        String(n),
        `${runs.accepted} / ${RUNS_PER_DAY} (${runs.refused} refused)`,
        `${tokens.peak.used} + ${tokens.peak.reserved} / ${TOKENS_PER_MONTH}`,
        `${tokens.end.used} + ${tokens.end.reserved}`,
        String(tokens.overrun),
        `${tokens.completed} completed, ${tokens.stopped} stopped, ${tokens.failed.length} failed`,
        `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)}`,
      ]);
    }
    const header = [
      'runs',
      'accepted / runsPerDay',
      'peak used + reserved / tokensPerMonth',
      'end used + reserved',
      'overrun',
      'runs against the token limit',
      'reservation ms p50 / p99',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    console.log(`\nLimits under concurrency (model ${MODEL_DELAY_MS} ms, max output ${MAX_OUTPUT} tokens per request)`);
    console.log(line(header));
    for (const row of rows) console.log(line(row));
  } finally {
    await p.platform.stop();
    await fake.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
