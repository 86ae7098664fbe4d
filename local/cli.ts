/**
 * `npm run host -- [--app <dir>] [--port <n>] [--web-port <n>] [--data <dir>] [--ports default|random|reuse] [--services a,b]
 *                  [--set NAME=VALUE ...] [--ready-probe <path>]`
 * Hosts a Functions v4 Node app with its embedded parts and prints one machine-readable line when ready:
 *   LOCAL_RUNTIME_READY {"origin":"http://localhost:7071","webOrigin":undefined,"ports":{...},"dataDir":"...","pid":123}
 * With --ready-probe (e.g. /api/health) that line waits until a GET of the path on the app answers 200, so the app has
 * done its first-request work (store clients, containers) before anyone is told it is ready.
 * Stops gracefully on SIGINT/SIGTERM (and when the process that started it with an IPC channel goes away).
 */
import { join, resolve } from 'node:path';
import { startRuntime, type PortMode } from './runtime';

const HELP = `Usage: npm run host -- [options]
  --app <dir>        the function app folder (default: this repository)
  --port <n>         HTTP port (default: 7071; 0 = any free port)
  --data <dir>       data folder for stores, queues and Durable state (default: <app>/.local)
  --ports <mode>     default | random | reuse (ports of the last run with this data folder)
  --web-port <n>     also serve the web app on http://127.0.0.1:<n> (0 = any free port), calling the API across origins
  --services <list>  embedded services to start, comma-separated (default: all)
  --set NAME=VALUE   an app setting that overrides everything else (repeatable)
  --ready-probe <p>  a path on the app (e.g. /api/health) that must answer 200 before the runtime reports ready
  --probe-timeout <s> how long to wait for the ready probe (default 60 s; then the runtime stops with an error)`;

function parseArgs(argv: string[]) {
  const out = {
    app: join(__dirname, '..'),
    port: undefined as number | undefined,
    webPort: undefined as number | undefined,
    data: undefined as string | undefined,
    ports: 'default' as PortMode,
    services: undefined as string[] | undefined,
    overrides: {} as Record<string, string>,
    readyProbe: undefined as string | undefined,
    probeTimeoutMs: 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value.\n\n${HELP}`);
      return v;
    };
    switch (arg) {
      case '--app':
        out.app = resolve(value());
        break;
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new Error('--port must be a port number (0 = any free port).');
        out.port = n;
        break;
      }
      case '--web-port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535)
          throw new Error('--web-port must be a port number (0 = any free port).');
        out.webPort = n;
        break;
      }
      case '--data':
        out.data = resolve(value());
        break;
      case '--ports': {
        const mode = value();
        if (!['default', 'random', 'reuse'].includes(mode))
          throw new Error('--ports must be default, random or reuse.');
        out.ports = mode as PortMode;
        break;
      }
      case '--services':
        out.services = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--set': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Error(`--set needs NAME=VALUE, got "${pair}".`);
        out.overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--ready-probe': {
        const path = value();
        if (!path.startsWith('/')) throw new Error(`--ready-probe needs a path starting with /, got "${path}".`);
        out.readyProbe = path;
        break;
      }
      case '--probe-timeout': {
        const seconds = Number(value());
        if (!(seconds > 0)) throw new Error('--probe-timeout must be a number of seconds above 0.');
        out.probeTimeoutMs = seconds * 1000;
        break;
      }
      case '-h':
      case '--help':
        console.log(HELP);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown option ${arg}.\n\n${HELP}`);
    }
  }
  return out;
}

/** Polls `url` until it answers 200; each attempt and the whole wait are bounded. */
async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(Math.max(1, Math.min(15_000, deadline - Date.now()))),
      });
      const body = await res.text();
      if (res.status === 200) return;
      last = `${res.status} ${body.slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `The ready probe ${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last}).`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = args.data ?? join(args.app, '.local');
  const started = performance.now();
  const platform = await startRuntime({
    appDir: args.app,
    port: args.port ?? 0,
    dataDir,
    overrides: args.overrides,
    services: args.services,
    webPort: args.webPort,
    portMode: args.port === 0 && args.ports === 'default' ? 'random' : args.ports,
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    if (stopping) return;
    console.log(`Stopping (${reason})...`);
    stopping = platform.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(`Stopped with an error: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (process.send) process.on('disconnect', () => shutdown('parent exited'));

  if (args.readyProbe) {
    const probeStarted = performance.now();
    try {
      await waitUntilReady(`${platform.origin}${args.readyProbe}`, args.probeTimeoutMs);
    } catch (err) {
      if (stopping) return;
      console.error((err as Error).message);
      await platform.stop().catch(() => undefined);
      process.exit(1);
    }
    if (stopping) return;
    console.log(`${args.readyProbe} answered 200 after ${Math.round(performance.now() - probeStarted)} ms`);
  }

  console.log(platform.summary);
  console.log(`Ready in ${Math.round(performance.now() - started)} ms. Press Ctrl+C to stop.`);
  console.log(
    `LOCAL_RUNTIME_READY ${JSON.stringify({ origin: platform.origin, webOrigin: platform.webOrigin, ports: platform.ports, dataDir: platform.dataDir, pid: process.pid })}`,
  );
}

main().catch((err) => {
  console.error(`The local runtime could not start: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
