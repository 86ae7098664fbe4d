/**
 * The local platform for end-to-end tests: runs the runtime's CLI in a child process on free ports (with a temporary
 * data folder unless one is given) and resolves once it printed its ready line.
 *
 * ```ts
 * import { startLocalPlatform } from '../../local/testing';
 * const platform = await startLocalPlatform();                  // this app (built by `npm test`), all embedded services
 * after(() => platform.stop());
 * const token = await platform.token('ada@example.com', 'Ada');  // POST /dev/token with this start's secret
 * const res = await platform.api('/me', { token });             // GET http://localhost:<port>/api/me
 * await platform.api('/agents', { method: 'POST', token, json: { templateId: 'triage' } });
 * ```
 *
 * Options: `app` (folder of a Functions app, default this repository), `settings` (app settings that override
 * everything, e.g. a fake OpenAI URL), `dataDir` (reuse a data folder), `services` (names from
 * local/services/index.ts; default all), `readyProbe` (a path on the app that must answer 200 before the platform
 * counts as started; default `/api/health` for this repository's app, none for other apps; `null` for none),
 * `separateWebOrigin` (the web app also on http://127.0.0.1:<port>, `webOrigin`, calling the API across origins).
 * `settings` holds the effective app settings (endpoints of the embedded services included).
 * `kill()` ends the runtime with SIGKILL (no graceful shutdown); `restart()` starts it again with the same data folder
 * and ports; `logs()` returns everything it printed so far.
 * A temporary data folder is removed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface StartOptions {
  app?: string;
  settings?: Record<string, string>;
  dataDir?: string;
  services?: string[];
  readyProbe?: string | null;
  /** Also serve the web app on its own origin (http://127.0.0.1:<port>), calling the API across origins. */
  separateWebOrigin?: boolean;
}

export interface LocalPlatform {
  origin: string;
  /** Where the web app is: `origin`, or its own origin with `separateWebOrigin`. */
  webOrigin: string;
  /** `${origin}/api` */
  apiUrl: string;
  dataDir: string;
  /** Effective app settings of the running app. */
  settings: Record<string, string>;
  /** An access token from the dev issuer. */
  token(email: string, name?: string): Promise<string>;
  /**
   * The secret `POST /dev/token` needs in `x-dev-token-secret`: generated at each start and kept in
   * `<dataDir>/dev-oidc/token-secret` (read it from there in scripts too).
   */
  devTokenSecret(): string;
  /** fetch() on the API: `path` is below /api; `json` is sent as an application/json body (POST unless `method` says
   * otherwise); `token` as a bearer token. */
  api(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  logs(): string;
}

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'local/cli.ts');
const READY = 'LOCAL_RUNTIME_READY ';
const START_TIMEOUT_MS = 120_000;
const READY_PROBE_TIMEOUT_S = 60;
const STOP_TIMEOUT_MS = 30_000;

const temporaryDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  origin: string;
  webOrigin?: string;
  port: number;
}

export async function startLocalPlatform(opts: StartOptions = {}): Promise<LocalPlatform> {
  const app = resolve(opts.app ?? ROOT);
  let dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'local-platform-'));
    temporaryDirs.add(dataDir);
  }
  const readyProbe = opts.readyProbe === undefined ? (app === ROOT ? '/api/health' : null) : opts.readyProbe;
  let output = '';
  let current: Running | undefined;
  let settings: Record<string, string> = {};

  async function launch(port: number | undefined, webPort?: number): Promise<Running> {
    const args = ['--import', 'tsx', CLI, '--app', app, '--data', dataDir!];
    args.push(
      ...(port === undefined ? ['--port', '0', '--ports', 'random'] : ['--port', String(port), '--ports', 'reuse']),
    );
    if (opts.services) args.push('--services', opts.services.join(','));
    if (opts.separateWebOrigin) args.push('--web-port', String(webPort ?? 0));
    if (readyProbe) args.push('--ready-probe', readyProbe, '--probe-timeout', String(READY_PROBE_TIMEOUT_S));
    for (const [key, value] of Object.entries(opts.settings ?? {})) args.push('--set', `${key}=${value}`);
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env },
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    let lineBuffer = '';
    const ready = new Promise<{ origin: string; webOrigin?: string; port: number }>((resolveReady, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`The local runtime did not get ready within ${START_TIMEOUT_MS / 1000} s. Its output:\n${output}`),
        );
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        lineBuffer += text;
        let newline: number;
        while ((newline = lineBuffer.indexOf('\n')) >= 0) {
          const line = lineBuffer.slice(0, newline);
          lineBuffer = lineBuffer.slice(newline + 1);
          if (line.startsWith(READY)) {
            clearTimeout(timer);
            const info = JSON.parse(line.slice(READY.length)) as {
              origin: string;
              webOrigin?: string;
              ports: { app: number };
            };
            resolveReady({ origin: info.origin, webOrigin: info.webOrigin, port: info.ports.app });
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(
          new Error(`The local runtime exited before it was ready (code ${child.exitCode}). Its output:\n${output}`),
        );
      });
    });
    const info = await ready;
    // A test that forgets stop() must not hang: the runtime stops itself when this process exits.
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    (child.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
    settings = (
      JSON.parse(readFileSync(join(dataDir!, 'runtime.json'), 'utf8')) as { settings: Record<string, string> }
    ).settings;
    return { child, exited, ...info };
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const running = current;
    if (!running) return;
    current = undefined;
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill(signal);
      const timer = setTimeout(() => running.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await running.exited;
      clearTimeout(timer);
    }
  }

  current = await launch(undefined);
  const port = current.port;
  const origin = current.origin;
  const webOrigin = current.webOrigin ?? origin;

  const platform: LocalPlatform = {
    origin,
    webOrigin,
    apiUrl: `${origin}/api`,
    dataDir,
    get settings() {
      return settings;
    },
    devTokenSecret: () => readFileSync(join(dataDir!, 'dev-oidc', 'token-secret'), 'utf8').trim(),
    async token(email, name) {
      const response = await fetch(`${origin}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dev-token-secret': platform.devTokenSecret() },
        body: JSON.stringify({ email, name }),
      });
      if (!response.ok) throw new Error(`/dev/token answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
    async api(path, init = {}) {
      const { token, json, headers, ...rest } = init;
      const merged = new Headers(headers);
      if (token) merged.set('authorization', `Bearer ${token}`);
      let body = rest.body;
      if (json !== undefined) {
        body = JSON.stringify(json);
        if (!merged.has('content-type')) merged.set('content-type', 'application/json');
      }
      const method = rest.method ?? (json !== undefined ? 'POST' : 'GET');
      return fetch(`${origin}/api${path.startsWith('/') ? path : `/${path}`}`, {
        ...rest,
        method,
        headers: merged,
        body,
      });
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      current = await launch(port, opts.separateWebOrigin ? Number(new URL(webOrigin).port) : undefined);
    },
    logs: () => output,
  };
  return platform;
}
