/**
 * Starts and stops the whole local platform for one app folder: settings, embedded services, the app itself (through
 * the `@azure/functions-core` provider), the broker, the Durable engine, timers and the HTTP port.
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDurableEngine, type DurableEngine, type RpcTypedData as DurableRpcData } from './durable/index';
import type { RpcTypedData } from './host/core-types';
import { Broker } from './broker/broker';
import { handleBrokerHttp } from './broker/http-api';
import { connectServiceBusTriggers, serviceBusOutputSink } from './broker/service-bus';
import { loadHostConfig, loadLocalSettings, type HostConfig } from './host/app-config';
import { loadApp } from './host/app-loader';
import { applyCors } from './host/cors';
import { installFunctionsCore, type FunctionsCore } from './host/functions-core';
import { findHttpFunction, httpFunctionsOf, serveHttpFunction } from './host/http-trigger';
import { configureInvocations, invokeFunction, triggerOf } from './host/invoke';
import { bindPorts } from './host/ports';
import { listenRuntimeServer, type RuntimeServer } from './host/server';
import { createSpaHandler } from './host/spa';
import { createTimerHost, type TimerHost } from './host/timers';
import { embeddedServices } from './services/index';
import type { EmbeddedService } from './services/types';

export type PortMode = 'default' | 'random' | 'reuse';

export interface RuntimeOptions {
  appDir: string;
  /** 0 = any free port. */
  port: number;
  dataDir: string;
  /** Settings that override everything else (local.settings.json and embedded services). */
  overrides?: Record<string, string>;
  /** Names of embedded services to start (default: all). */
  services?: string[];
  /** default: the usual ports when free; random: any free ports; reuse: the ports of the last run in this data folder. */
  portMode?: PortMode;
  /** The built web app to serve (default: <appDir>/web/dist). */
  webDist?: string;
  /**
   * Also serve the web app on its own origin, http://127.0.0.1:<webPort> (0 = any free port), another site than the
   * API's http://localhost:<port>: it calls the API across origins, as with webApiMode direct in Azure. WEB_BASE_URL
   * and CORS name it.
   */
  webPort?: number;
  log?: (message: string) => void;
}

export interface RunningPlatform {
  origin: string;
  /** The web app's own origin, with `webPort`. */
  webOrigin?: string;
  port: number;
  dataDir: string;
  settings: Record<string, string>;
  ports: Record<string, number>;
  functions: string[];
  summary: string;
  stop(): Promise<void>;
}

const RUNTIME_FILE = 'runtime.json';

/** Settings that point at this runtime's default port follow it to the port actually used. */
function followPort(values: Record<string, string>, fromPort: number, toPort: number): void {
  if (fromPort === toPort) return;
  const pattern = new RegExp(`(//(?:localhost|127\\.0\\.0\\.1)):${fromPort}(?=[/?#]|$)`, 'g');
  for (const [key, value] of Object.entries(values)) values[key] = value.replace(pattern, `$1:${toPort}`);
}

function readPreviousPorts(dataDir: string): Record<string, number> {
  const file = join(dataDir, RUNTIME_FILE);
  if (!existsSync(file)) return {};
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { ports?: Record<string, number> }).ports ?? {};
  } catch {
    return {};
  }
}

function functionsByTrigger(core: FunctionsCore, type: string): string[] {
  return [...core.functions.values()]
    .filter((f) => triggerOf(f).type.toLowerCase() === type)
    .map((f) => f.metadata.name);
}

export async function startRuntime(options: RuntimeOptions): Promise<RunningPlatform> {
  const log = options.log ?? ((m: string) => console.log(m));
  const appDir = resolve(options.appDir);
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const portMode = options.portMode ?? 'default';
  const previous = portMode === 'reuse' ? readPreviousPorts(dataDir) : {};
  const ports: Record<string, number> = {};

  const local = loadLocalSettings(appDir);
  const settings: Record<string, string> = { ...local.values };
  const defaultPort = local.localHttpPort ?? 7071;
  const requestedPort = options.port || (portMode === 'reuse' ? (previous.app ?? 0) : 0);
  // In random mode the system picks the port while binding it, so runtimes starting side by side never clash.
  const server: RuntimeServer = await listenRuntimeServer(
    requestedPort || (portMode === 'random' ? 0 : defaultPort),
    '127.0.0.1',
    log,
  );
  ports.app = server.port;
  const origin = `http://localhost:${server.port}`;
  followPort(settings, defaultPort, server.port);
  Object.assign(settings, { WEBSITE_HOSTNAME: `localhost:${server.port}`, AZURE_FUNCTIONS_ENVIRONMENT: 'Development' });
  const webServer =
    options.webPort === undefined ? undefined : await listenRuntimeServer(options.webPort, '127.0.0.1', log);
  const webOrigin = webServer ? `http://127.0.0.1:${webServer.port}` : undefined;
  if (webServer) {
    ports.web = webServer.port;
    settings.WEB_BASE_URL = webOrigin!;
  }
  Object.assign(settings, options.overrides ?? {});

  const started: EmbeddedService[] = [];
  let timers: TimerHost | undefined;
  let engine: DurableEngine | undefined;
  let broker: Broker | undefined;
  let core: FunctionsCore | undefined;

  async function stopAll(): Promise<void> {
    const t0 = performance.now();
    const steps: string[] = [];
    const step = (what: string) => steps.push(`${what} ${Math.round(performance.now() - t0)} ms`);
    await server.close(10_000);
    await webServer?.close(10_000);
    step('http');
    await timers?.stop().catch((err) => log(`Timers: ${(err as Error).message}`));
    await broker?.stop().catch((err) => log(`Broker: ${(err as Error).message}`));
    step('timers+broker');
    await engine?.stop().catch((err) => log(`Durable engine: ${(err as Error).message}`));
    step('durable');
    if (core) {
      await core
        .runHooks('appTerminate', { hookData: core.appLevelOnlyHookData, appHookData: core.appHookData })
        .catch((err) => log(`appTerminate hook failed: ${(err as Error).message}`));
    }
    for (const service of [...started].reverse()) {
      await service.stop().catch((err) => log(`${service.name}: ${(err as Error).message}`));
      step(service.name);
    }
    log(`Stopped (${steps.join(', ')}).`);
  }

  try {
    const wanted = options.services ?? Object.keys(embeddedServices);
    const unknown = wanted.filter((name) => !(name in embeddedServices));
    if (unknown.length > 0)
      throw new Error(
        `Unknown embedded service(s): ${unknown.join(', ')}. Known: ${Object.keys(embeddedServices).join(', ')}.`,
      );
    // Services start side by side (each sees the loaded settings); their settings are merged in list order.
    const starting = Object.entries(embeddedServices)
      .filter(([name]) => wanted.includes(name))
      .map(async ([name, factory]) => {
        const began = performance.now();
        const service = await factory({
          dataDir,
          publicOrigin: origin,
          settings: { ...settings },
          log: (msg) => log(msg),
          async bindPorts(usual, bind) {
            const keys = Object.keys(usual) as (keyof typeof usual)[];
            const first = { ...usual };
            for (const key of keys) {
              first[key] =
                portMode === 'reuse'
                  ? (previous[`${name}.${String(key)}`] ?? 0)
                  : portMode === 'random'
                    ? 0
                    : usual[key];
            }
            const bound = await bindPorts(first, bind);
            for (const key of keys) ports[`${name}.${String(key)}`] = bound[key];
            return bound;
          },
        });
        if (service) log(`${service.name} started in ${Math.round(performance.now() - began)} ms`);
        return service;
      });
    const results = await Promise.allSettled(starting);
    for (const result of results) if (result.status === 'fulfilled' && result.value) started.push(result.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const service of started) Object.assign(settings, service.env);
    Object.assign(settings, options.overrides ?? {});
    for (const [key, value] of Object.entries(settings)) process.env[key] = value;

    const host: HostConfig = loadHostConfig(appDir, settings);
    core = installFunctionsCore();
    core.logHandler = (level, category, message, functionName) => {
      if (level === 'debug' || level === 'trace' || level === 'none') return;
      const prefix = functionName ? `[${functionName}]` : `[${category}]`;
      log(`${prefix} ${level === 'information' ? '' : `${level}: `}${message}`);
    };
    configureInvocations({ functionTimeoutMs: host.functionTimeoutMs });
    const loadStarted = performance.now();
    const app = await loadApp(appDir, core);
    log(`App loaded in ${Math.round(performance.now() - loadStarted)} ms (${app.functionNames.length} functions)`);

    broker = new Broker({
      dataDir,
      maxDeliveryCount: Number(settings.LOCAL_BROKER_MAX_DELIVERY_COUNT) || 10,
      log,
    });
    const consumers = connectServiceBusTriggers(core, broker, host.serviceBusMaxConcurrentCalls);
    configureInvocations({ outputSink: serviceBusOutputSink(broker) });

    const durable = createDurableEngine({
      dataDir,
      hubName: host.hubName,
      orchestrators: functionsByTrigger(core, 'orchestrationtrigger'),
      activities: functionsByTrigger(core, 'activitytrigger'),
      invoke: async (name, data) =>
        (await invokeFunction(name, data as RpcTypedData)).returnValue as DurableRpcData | undefined,
      maxConcurrentActivityFunctions: host.maxConcurrentActivityFunctions,
      maxConcurrentOrchestratorFunctions: host.maxConcurrentOrchestratorFunctions,
      log: (level, message) => log(`[durable] ${level === 'info' ? '' : `${level}: `}${message}`),
    });
    engine = durable;
    configureInvocations({ durableClientData: () => durable.clientBindingData(origin) });
    await durable.start();

    const httpFunctions = httpFunctionsOf(core);
    const prefix = host.routePrefix ? `/${host.routePrefix.toLowerCase()}` : '';
    const webDist = resolve(options.webDist ?? join(appDir, 'web/dist'));
    const serveSpa = createSpaHandler(webDist);
    const handlers = started.filter((s) => s.handle);
    const cors = {
      origins: [...local.corsOrigins, ...(webOrigin ? [webOrigin] : [])],
      credentials: local.corsCredentials,
    };
    const activeBroker = broker;

    server.ready(async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      const path = url.pathname;
      const lower = path.toLowerCase();
      if (applyCors(cors, req, res)) return;
      if (prefix !== '' && (lower === prefix || lower.startsWith(`${prefix}/`))) {
        return serveHttpFunction(httpFunctions, req, res, url, path.slice(prefix.length), log);
      }
      if (prefix === '' && findHttpFunction(httpFunctions, req.method ?? 'GET', path).kind !== 'not-found') {
        return serveHttpFunction(httpFunctions, req, res, url, path, log);
      }
      if (lower.startsWith('/runtime/webhooks/durabletask/')) {
        const handled = await durable.handleHttp(req, res, path.slice('/runtime/webhooks/durabletask/'.length));
        if (!handled && !res.headersSent)
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not a Durable API route.');
        return;
      }
      if (lower === '/runtime/broker' || lower.startsWith('/runtime/broker/'))
        return handleBrokerHttp(activeBroker, req, res, url);
      for (const service of handlers) {
        if (await service.handle!(req, res, url)) return;
      }
      serveSpa(req, res, url);
    });

    if (webServer) {
      const serveWeb = createSpaHandler(webDist, { apiOrigin: origin });
      webServer.ready(async (req, res, url) => serveWeb(req, res, url));
    }
    broker.start();
    timers = createTimerHost({ core, settings, statusFile: join(dataDir, 'timers.json'), log });
    await timers.start();

    writeFileSync(join(dataDir, RUNTIME_FILE), JSON.stringify({ origin, ports, pid: process.pid, settings }, null, 2));

    const summary = [
      `Local runtime for ${appDir}`,
      `  App:        ${origin}  (API under ${origin}${prefix || '/'})`,
      ...(webOrigin ? [`  Web app:    ${webOrigin}  (calls the API across origins)`] : []),
      ...started.flatMap((s) => [
        `  ${s.name.padEnd(11)} ${Object.entries(s.env)
          .filter(([k]) => /ENDPOINT|ISSUER|URL|PORT/i.test(k))
          .map(([k, v]) => `${k}=${v}`)
          .join('  ')}`,
        ...(s.summary ?? []).map((line) => `  ${''.padEnd(11)} ${line}`),
      ]),
      `  Broker:     ${origin}/runtime/broker${consumers.length ? `  (${consumers.join('; ')})` : ''}`,
      `  Durable:    ${origin}/runtime/webhooks/durabletask/  (task hub ${host.hubName})`,
      ...(timers.describe().length ? [`  Timers:     ${timers.describe().join('; ')}`] : []),
      `  Functions:  ${app.functionNames.length} (${httpFunctions.map((f) => `${f.methods.join('|') || '*'} ${prefix}/${f.route.template}`).join(', ')})`,
      `  Data:       ${dataDir}`,
    ].join('\n');

    return {
      origin,
      webOrigin,
      port: server.port,
      dataDir,
      settings: { ...settings },
      ports,
      functions: app.functionNames,
      summary,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
