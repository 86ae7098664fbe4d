/**
 * `npm run bench:api`: throughput of an authenticated list route (`GET /api/audit`, a tenant with a few thousand
 * audit records) through the local runtime, next to a bare `node:http` server that runs the same Cosmos query on the
 * same store with no framework, no token check and no validation. Each server runs in its own process; autocannon
 * runs in this one. Prints requests/s, p50 and p99 latency for both and the ratio; asserts nothing.
 * Aim: the app reaches at least 70% of the bare server's requests/s.
 * Options: `--records <n>` (default 3000), `--seconds <n>` per run (default 10), `--connections <n>` (default 10),
 * `--rounds <n>` (default 3).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalPlatform } from '../local/testing';
import { createServices } from '../shared/app/services';
import { loadSettings } from '../shared/platform/config';

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  headers?: Record<string, string>;
}) => Promise<Result>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

const AUDIT_SQL = 'SELECT * FROM c WHERE c.tenantId = @tenantId ORDER BY c.id DESC';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The bare server: one Cosmos client, the same single-partition query, one page of 25, JSON out. */
async function bareServer(): Promise<void> {
  const settings = loadSettings(JSON.parse(process.env.BENCH_SETTINGS!) as Record<string, string>);
  const tenantId = process.env.BENCH_TENANT!;
  const container = await createServices(settings).cosmos().container('audit');
  const server = createServer((req, res) => {
    const iterator = container.items.query(
      { query: AUDIT_SQL, parameters: [{ name: '@tenantId', value: tenantId }] },
      { partitionKey: tenantId, maxItemCount: 25 },
    );
    iterator.fetchNext().then(
      (page) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ items: page.resources, nextCursor: page.hasMoreResults ? page.continuationToken : null }),
        );
      },
      (err: Error) => {
        res.writeHead(500).end(err.message);
      },
    );
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

async function main(): Promise<void> {
  const records = option('records', 3000);
  const seconds = option('seconds', 10);
  const connections = option('connections', 10);
  const rounds = option('rounds', 3);

  console.log(`Starting the local runtime and seeding ${records} audit records...`);
  // One person's requests as fast as they go: the rate limit would refuse most (bench:limits compares it on and off).
  const platform = await startLocalPlatform({ settings: { API_RATE_LIMIT_ENABLED: 'false' } });
  let bare: ReturnType<typeof spawn> | undefined;
  try {
    const services = createServices(loadSettings(platform.settings));
    const token = await platform.token('bench@example.test', 'Bench');
    const me = await platform.api('/me', { token });
    if (me.status !== 200) throw new Error(`/api/me answered ${me.status}`);
    const { tenantId } = (await me.json()) as { tenantId: string };
    const audit = await services.cosmos().container('audit');
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < records; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, records - i) }, (_, j) => {
          const n = i + j;
          const at = new Date(start + n * 1000).toISOString();
          return audit.items.create({
            id: `${at}-${String(n).padStart(8, '0')}`,
            tenantId,
            at,
            action: n % 2 ? 'run.completed' : 'suggestion.approved',
            actor: { type: 'agent', id: 'agent-1' },
            target: { type: 'run', id: `run-${n}` },
            outcome: 'success',
            source: 'schedule',
            summary: `Bench record ${n}`,
          });
        }),
      );
    }

    bare = spawn(process.execPath, ['--import', 'tsx', __filename, '--bare-server'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_SETTINGS: JSON.stringify(platform.settings), BENCH_TENANT: tenantId },
    });
    const barePort = await new Promise<number>((resolve, reject) => {
      bare!.once('message', (m: { port: number }) => resolve(m.port));
      bare!.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
    });

    const targets = {
      app: { url: `${platform.apiUrl}/audit?limit=25`, headers: { authorization: `Bearer ${token}` } },
      bare: { url: `http://127.0.0.1:${barePort}/audit?limit=25`, headers: {} as Record<string, string> },
    };
    for (const [name, t] of Object.entries(targets)) {
      const check = await fetch(t.url, { headers: t.headers });
      const body = (await check.json()) as { items: unknown[] };
      if (check.status !== 200 || body.items.length !== 25)
        throw new Error(`${name}: ${check.status}, ${body.items?.length} items`);
      await autocannon({ ...t, connections, duration: 2, timeout: 60 }); // warm-up
    }
    const runs: Record<string, Result[]> = { app: [], bare: [] };
    // Interleaved rounds, so both see the same background load; the median round of each counts.
    for (let round = 0; round < rounds; round++) {
      for (const [name, t] of Object.entries(targets)) {
        const r = await autocannon({ ...t, connections, duration: seconds, timeout: 60 });
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (over 60 s)`);
        runs[name]!.push(r);
      }
    }
    const median = (list: Result[]) =>
      [...list].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(list.length / 2)]!;
    const row = (name: string, r: Result) =>
      `${name.padEnd(34)} ${r.requests.average.toFixed(1).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(5)} ms   p99 ${String(r.latency.p99).padStart(5)} ms`;
    console.log(
      `\nGET /api/audit?limit=25, ${records} records, ${connections} connections, ${rounds} rounds of ${seconds} s (median round)`,
    );
    const app = median(runs.app!);
    const bareResult = median(runs.bare!);
    console.log(row('app through the local runtime', app));
    console.log(row('bare node:http, same Cosmos query', bareResult));
    console.log(
      `ratio app/bare: ${((app.requests.average / bareResult.requests.average) * 100).toFixed(1)}% (aim: at least 70%)`,
    );
  } finally {
    bare?.kill();
    await platform.stop();
  }
}

if (process.argv.includes('--bare-server')) {
  void bareServer();
} else {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
