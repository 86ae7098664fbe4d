/**
 * Approves 1000 pending suggestions in bulk through the local runtime and measures how fast they are carried out.
 *   npm run bench:approvals [-- --count 1000 --batch 100 --parallel 2]
 * Suggestions are proposed as agent runs would (100 per run), their approval waits are allowed to start, then they are
 * approved with POST /api/suggestions/bulk. Prints suggestions executed per second and the p50/p99 time from approval
 * (the decision stored) to executed (the action's completion stored), both read from the suggestions themselves.
 * The action is a `task` (recorded, no provider call), so the figures are those of the approval pipeline: Cosmos
 * state changes, the Durable wait and its activities, events.
 */
import { parseArgs } from 'node:util';
import { startLocalPlatform } from '../local/testing';
import { createServices } from '../shared/app/services';
import { loadSettings } from '../shared/platform/config';
import { mapLimited } from '../shared/platform/pool';
import type { Proposal } from '../shared/suggestions/kinds';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    parallel: { type: 'string', default: '2' },
  },
});
const COUNT = Number(values.count);
const BATCH = Math.min(100, Number(values.batch));
const PARALLEL = Number(values.parallel);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? NaN;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.warn(`  (gave up waiting for ${what} after ${timeoutMs / 1000} s)`);
  return false;
}

async function main() {
  console.log(`Starting the local runtime...`);
  const platform = await startLocalPlatform({ services: ['cosmos', 'azurite', 'dev-oidc', 'smtp-sink'] });
  try {
    const services = createServices(loadSettings({ ...process.env, ...platform.settings }));
    const token = await platform.token('bench@example.com', 'Bench');
    const me = (await (await platform.api('/me', { token })).json()) as { tenantId: string };
    const tenantId = me.tenantId;

    console.log(`Proposing ${COUNT} suggestions (${BATCH} per run)...`);
    const ids: string[] = [];
    const t0 = Date.now();
    for (let run = 0; ids.length < COUNT; run++) {
      const n = Math.min(BATCH, COUNT - ids.length);
      const proposals: Proposal[] = Array.from({ length: n }, (_, i) => ({
        kind: 'task',
        payload: { title: `Follow up ${run}-${i}` },
        rationale: 'Benchmark suggestion.',
        sources: [],
      }));
      ids.push(
        ...(await services.suggestions().propose(
          {
            tenantId,
            runId: `bench-${t0}-${run}`,
            agentId: 'bench',
            templateId: 'bench',
            promptVersion: 'v1',
            model: 'offline',
          },
          proposals,
        )),
      );
    }
    console.log(`  proposed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Let the approval waits start (the approvals consumer starts one orchestration per suggestion).
    const durable = `${platform.origin}/runtime/webhooks/durabletask/instances/`;
    const waiting = async () => {
      let running = 0;
      let url = `${durable}?runtimeStatus=Running`;
      let continuation: string | null = null;
      do {
        const res = await fetch(url, { headers: continuation ? { 'x-ms-continuation-token': continuation } : {} });
        running += ((await res.json()) as unknown[]).length;
        continuation = res.headers.get('x-ms-continuation-token');
        url = `${durable}?runtimeStatus=Running`;
      } while (continuation);
      return running;
    };
    const t1 = Date.now();
    await waitFor('approval waits to start', async () => (await waiting()) >= COUNT, 300_000);
    console.log(`  ${await waiting()} approval waits running after ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    console.log(`Approving in bulk (${BATCH} per request, ${PARALLEL} requests at a time)...`);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
    const approveStart = Date.now();
    let failed = 0;
    await mapLimited(batches, PARALLEL, async (batch) => {
      const res = await platform.api('/suggestions/bulk', { token, json: { ids: batch, action: 'approve' } });
      const body = (await res.json()) as { failed: number };
      if (res.status !== 200) throw new Error(`bulk answered ${res.status}: ${JSON.stringify(body)}`);
      failed += body.failed;
    });
    const approveEnd = Date.now();
    console.log(
      `  ${ids.length - failed} approved (${failed} refused) in ${((approveEnd - approveStart) / 1000).toFixed(2)} s`,
    );

    const docs = async () => Promise.all(ids.map((id) => services.suggestions().get(tenantId, id)));
    let all = await docs();
    await waitFor(
      'every suggestion to be carried out',
      async () => {
        all = await docs();
        return all.every((d) => d.status === 'executed' || d.status === 'failed');
      },
      600_000,
    );

    const executed = all.filter((d) => d.status === 'executed' && d.decision && d.execution?.finishedAt);
    const latencies = executed
      .map((d) => Date.parse(d.execution!.finishedAt!) - Date.parse(d.decision!.at))
      .sort((a, b) => a - b);
    const firstApproval = Math.min(...executed.map((d) => Date.parse(d.decision!.at)));
    const lastExecuted = Math.max(...executed.map((d) => Date.parse(d.execution!.finishedAt!)));
    const seconds = (lastExecuted - firstApproval) / 1000;
    const multiple = all.filter((d) => (d.execution?.attempts ?? 0) > 1).length;

    console.log('');
    console.log(
      `suggestions executed:          ${executed.length} of ${ids.length} (failed ${all.filter((d) => d.status === 'failed').length}, retried ${multiple})`,
    );
    console.log(
      `executed per second:           ${(executed.length / seconds).toFixed(1)}  (first approval to last execution: ${seconds.toFixed(2)} s)`,
    );
    console.log(`approval -> executed, p50:     ${percentile(latencies, 0.5)} ms`);
    console.log(`approval -> executed, p99:     ${percentile(latencies, 0.99)} ms`);
    console.log(`approval -> executed, max:     ${latencies[latencies.length - 1]} ms`);
  } finally {
    await platform.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
