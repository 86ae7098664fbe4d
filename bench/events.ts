/**
 * Event triggers on the local runtime (Google emulator, embedded Cosmos-API server). Prints:
 *   - new mail → its suggestion visible, p50 / p99, with a simulated Gmail push (`events-push.ts`) and with polling
 *     (`EVENT_POLL_SECONDS=1`);
 *   - runs and model calls started by a burst of 100 mails (a fake OpenAI-compatible model counts the calls);
 *   - tokens of a run over an unchanged mailbox (must be 0);
 *   - 1,000 tenants with a change in the same minute: time to start all their runs through the change seam, and
 *     store requests per started run (the orchestrations' own start is counted, not run).
 *
 *   npm run bench:events            # SAMPLES=10 latency samples (each way), TENANTS=1000
 */
import type { Container } from '@azure/cosmos';
import { startFakeOpenAi } from '../test/support/fake-openai';
import { eventually } from '../test/support/platform';
import { percentile, suggestionAbout } from './events-support';
import { pushLatency } from './events-push';
import { createAgent, importMail, runsOf, startEventsWorld, type EventsWorld } from '../test/events/support';
import { createServices } from '../shared/app/services';
import { loadSettings } from '../shared/platform/config';
import { mapLimited } from '../shared/platform/pool';

const SAMPLES = Number(process.env.SAMPLES ?? 10);
const TENANTS = Number(process.env.TENANTS ?? 1000);

async function pollingLatency(w: EventsWorld): Promise<number[]> {
  const agentId = await createAgent(w, { templateId: 'inbox-triage', events: [{ on: 'mail.received' }] });
  const first = await w.p.json<{ runId: string }>('/orchestration/runs', { token: w.person.token, json: { agentId } });
  await w.p.finishedRun(w.person, first.body.runId, 120_000);
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const id = await importMail(w, {
      from: `Client ${i} <client${i}@latency.example>`,
      subject: `Can you confirm the budget for project ${i}?`,
      text: 'Could you confirm the numbers by Friday? Let me know what you think.',
    });
    await suggestionAbout(w, id);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function burst(): Promise<{ runs: number; modelCalls: number; read: number; unchangedTokens: number }> {
  const model = await startFakeOpenAi();
  model.fallback = () => ({ content: JSON.stringify({ items: [] }), usage: { prompt: 100, completion: 10 } });
  const w = await startEventsWorld({
    pollSeconds: 1,
    settings: { AI_PROVIDER: 'compatible', AI_BASE_URL: model.baseUrl, AI_API_KEY: 'bench' },
  });
  try {
    const agentId = await createAgent(w, { templateId: 'inbox-triage', events: [{ on: 'mail.received' }] });
    const first = await w.p.json<{ runId: string }>('/orchestration/runs', {
      token: w.person.token,
      json: { agentId },
    });
    await w.p.finishedRun(w.person, first.body.runId, 120_000);
    const unchanged = await w.p.json<{ runId: string }>('/orchestration/runs', {
      token: w.person.token,
      json: { agentId },
    });
    const quiet = (await w.p.finishedRun(w.person, unchanged.body.runId, 120_000)) as {
      tokens: { prompt: number; completion: number };
    };
    const callsBefore = model.requests.length;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        importMail(w, { from: `Sender ${i} <s${i}@burst.example>`, subject: `Note ${i}`, text: 'FYI.' }),
      ),
    );
    const runs = await eventually(
      async () => (await runsOf(w, agentId)).filter((r) => r.trigger.type === 'event'),
      (list) =>
        list.reduce((n, r) => n + r.steps[0]!.itemCount, 0) >= 100 &&
        list.every((r) => ['completed', 'failed', 'cancelled', 'stopped'].includes(r.status)),
      'the burst to be read',
      300_000,
    );
    return {
      runs: runs.length,
      modelCalls: model.requests.length - callsBefore,
      read: runs.reduce((n, r) => n + r.steps[0]!.itemCount, 0),
      unchangedTokens: quiet.tokens.prompt + quiet.tokens.completion,
    };
  } finally {
    await w.p.platform.stop();
    await model.close();
  }
}

/** Counts every request a container makes to the store (reads, writes, queries). */
function counting(container: Container, count: () => void): Container {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (prop === 'item' || prop === 'query') return wrap(result as object);
          if (
            ['create', 'upsert', 'read', 'replace', 'delete', 'patch', 'fetchAll', 'fetchNext'].includes(String(prop))
          )
            count();
          return result;
        };
      },
    });
  return new Proxy(container, {
    get(obj, prop, receiver) {
      if (prop === 'items') return wrap(obj.items);
      if (prop === 'item') return (...args: [string, string]) => wrap(obj.item(...args));
      return Reflect.get(obj, prop, receiver) as unknown;
    },
  });
}

async function manyTenants(w: EventsWorld): Promise<{ ms: number; started: number; requestsPerRun: number }> {
  const services = createServices(loadSettings({ ...process.env, ...w.p.platform.settings }));
  let requests = 0;
  const store = services.cosmos();
  services.cosmos = () => ({
    ...store,
    container: async (name) => counting(await store.container(name), () => requests++),
  });
  const now = new Date();
  const tenants = Array.from({ length: TENANTS }, (_, i) => `bench-events-${now.getTime()}-${i}`);
  const agents = await store.container('agents');
  await mapLimited(tenants, 16, async (tenantId) => {
    const at = now.toISOString();
    await agents.items.create({
      id: 'agt_bench',
      tenantId,
      type: 'agent',
      templateId: 'inbox-triage',
      name: 'Bench triage',
      config: {},
      enabled: true,
      schedule: null,
      events: [{ on: 'mail.received' }],
      tokenBudget: { perRun: null, perMonth: null },
      packInstallId: null,
      createdAt: at,
      updatedAt: at,
    });
    await services.triggers().set(tenantId, 'agent', 'agt_bench', [{ on: 'mail.received' }], now);
  });
  let started = 0;
  const launcher = { start: async () => void started++ };
  requests = 0;
  const t0 = performance.now();
  await mapLimited(tenants, 32, (tenantId) =>
    services
      .changeSignals()
      .signal({ tenantId, connectorId: 'google-bench', source: 'mail', dedupeKey: `bench:${tenantId}` }, launcher),
  );
  return { ms: performance.now() - t0, started, requestsPerRun: requests / Math.max(1, started) };
}

const describeLatency = (latencies: number[]) =>
  `p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms (${latencies.length} mails)`;

async function main(): Promise<void> {
  // Each measurement on a platform of its own: push needs polling an hour away, the polling figure a 1 s interval.
  console.log(`new mail → suggestion visible, simulated push: ${describeLatency(await pushLatency(SAMPLES))}`);
  const w = await startEventsWorld({ pollSeconds: 1 });
  try {
    console.log(`new mail → suggestion visible, polling every 1 s: ${describeLatency(await pollingLatency(w))}`);
    const tenants = await manyTenants(w);
    console.log(
      `${TENANTS} tenants with a change in the same minute: ${tenants.started} runs started in ${Math.round(tenants.ms)} ms, ${tenants.requestsPerRun.toFixed(1)} store requests per started run`,
    );
  } finally {
    await w.p.platform.stop();
  }
  const b = await burst();
  console.log(`burst of 100 mails: ${b.runs} run(s), ${b.modelCalls} model call(s), ${b.read} mails read`);
  console.log(`tokens of a run over an unchanged mailbox: ${b.unchangedTokens}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
