/**
 * `npm run host -- [--app <dir>] [--port <n>] [--data <dir>] [--ports default|random|reuse] [--services a,b]
 *                  [--set NAME=VALUE ...]`
 * Hosts a Functions v4 Node app with its embedded parts and prints one machine-readable line when ready:
 *   LOCAL_RUNTIME_READY {"origin":"http://localhost:7071","ports":{...},"dataDir":"...","pid":123}
 * Stops gracefully on SIGINT/SIGTERM (and when the process that started it with an IPC channel goes away).
 */
import { join, resolve } from 'node:path';
import { startRuntime, type PortMode } from './runtime';

const HELP = `Usage: npm run host -- [options]
  --app <dir>        the function app folder (default: this repository)
  --port <n>         HTTP port (default: 7071; 0 = any free port)
  --data <dir>       data folder for stores, queues and Durable state (default: <app>/.local)
  --ports <mode>     default | random | reuse (ports of the last run with this data folder)
  --services <list>  embedded services to start, comma-separated (default: all)
  --set NAME=VALUE   an app setting that overrides everything else (repeatable)`;

function parseArgs(argv: string[]) {
  const out = { app: join(__dirname, '..'), port: undefined as number | undefined, data: undefined as string | undefined,
    ports: 'default' as PortMode, services: undefined as string[] | undefined, overrides: {} as Record<string, string> };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value.\n\n${HELP}`);
      return v;
    };
    switch (arg) {
      case '--app': out.app = resolve(value()); break;
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('--port must be a port number (0 = any free port).');
        out.port = n;
        break;
      }
      case '--data': out.data = resolve(value()); break;
      case '--ports': {
        const mode = value();
        if (!['default', 'random', 'reuse'].includes(mode)) throw new Error('--ports must be default, random or reuse.');
        out.ports = mode as PortMode;
        break;
      }
      case '--services': out.services = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--set': {
        const pair = value();
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Error(`--set needs NAME=VALUE, got "${pair}".`);
        out.overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '-h':
      case '--help':
        console.log(HELP);
        process.exit(0);
      default:
        throw new Error(`Unknown option ${arg}.\n\n${HELP}`);
    }
  }
  return out;
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

  console.log(platform.summary);
  console.log(`Ready in ${Math.round(performance.now() - started)} ms. Press Ctrl+C to stop.`);
  console.log(`LOCAL_RUNTIME_READY ${JSON.stringify({ origin: platform.origin, ports: platform.ports, dataDir: platform.dataDir, pid: process.pid })}`);
}

main().catch((err) => {
  console.error(`The local runtime could not start: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
