/**
 * The Durable Functions HTTP API (the routes under /runtime/webhooks/durabletask/ that `df.getClient(context)` calls
 * through its rpcBaseUrl, and that the check-status management URLs point to), and the durableClient binding data.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine, InstanceQuery } from './engine.js';
import {
  DurableRequestError,
  EventType,
  isTerminal,
  type HistoryEvent,
  type Instance,
  type RuntimeStatus,
} from './model.js';

const WEBHOOK_PATH = '/runtime/webhooks/durabletask';
const PAGE_SIZE = 100;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const RUNTIME_STATUSES: RuntimeStatus[] = [
  'Pending',
  'Running',
  'Completed',
  'ContinuedAsNew',
  'Failed',
  'Canceled',
  'Terminated',
  'Suspended',
];
const EVENT_TYPE_NAMES = Object.fromEntries(Object.entries(EventType).map(([name, value]) => [value, name])) as Record<
  number,
  string
>;

function query(hubName: string): string {
  return `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
}

/** The durableClient input binding data, as the extension's BindingHelper produces it. */
export function clientBindingData(origin: string, hubName: string): Record<string, unknown> {
  const base = `${origin}${WEBHOOK_PATH}`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${query(hubName)}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query(hubName)}`,
    },
    managementUrls: managementUrls(origin, hubName, 'INSTANCEID'),
    baseUrl: base,
    requiredQueryStringParameters: query(hubName),
    rpcBaseUrl: `${base}/`,
    httpBaseUrl: base,
  };
}

function managementUrls(origin: string, hubName: string, instanceId: string): Record<string, string> {
  const instance = `${origin}${WEBHOOK_PATH}/instances/${instanceId}`;
  const qs = query(hubName);
  return {
    id: instanceId,
    statusQueryGetUri: `${instance}?${qs}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${qs}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${qs}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${qs}`,
    purgeHistoryDeleteUri: `${instance}?${qs}`,
    restartPostUri: `${instance}/restart?${qs}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${qs}`,
    resumePostUri: `${instance}/resume?reason={text}&${qs}`,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function historyJson(events: HistoryEvent[], withOutput: boolean): Record<string, unknown>[] {
  return events
    .filter((e) => e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted)
    .map(({ EventType: type, IsPlayed: _played, Result, ...rest }) => ({
      EventType: EVENT_TYPE_NAMES[type] ?? String(type),
      ...rest,
      ...(withOutput && Result !== undefined ? { Result: parseJson(Result as string | null) } : {}),
    }));
}

/** The instance status JSON the extension answers with (`input` and `output` always present, as the client requires). */
export function statusJson(
  instance: Instance,
  options: { showInput: boolean; showHistory?: boolean; showHistoryOutput?: boolean },
) {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: options.showInput ? parseJson(instance.input) : null,
    customStatus: parseJson(instance.customStatus),
    output: parseJson(instance.output),
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
    ...(options.showHistory
      ? { historyEvents: historyJson(instance.history, options.showHistoryOutput === true) }
      : {}),
  };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  send(res, status, { message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new DurableRequestError(413, 'The request body is too large.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON text of a body (null when empty); a body that is not JSON is taken as a string. */
async function bodyJson(req: IncomingMessage): Promise<string | null> {
  const text = await readBody(req);
  if (text.trim() === '') return null;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

function originOf(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  return `http://${host}`;
}

function flag(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  return value.toLowerCase() === 'true';
}

function time(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (!value) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DurableRequestError(400, `'${name}' must be an ISO 8601 date-time.`);
  return ms;
}

function instanceQuery(params: URLSearchParams): InstanceQuery {
  const statuses = (params.get('runtimeStatus') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const match = RUNTIME_STATUSES.find((known) => known.toLowerCase() === s.toLowerCase());
      if (!match)
        throw new DurableRequestError(400, `'${s}' is not a runtime status (use ${RUNTIME_STATUSES.join(', ')}).`);
      return match;
    });
  return {
    createdTimeFrom: time(params, 'createdTimeFrom'),
    createdTimeTo: time(params, 'createdTimeTo'),
    runtimeStatus: statuses,
    instanceIdPrefix: params.get('instanceIdPrefix') ?? undefined,
  };
}

function checkStatus(engine: Engine, req: IncomingMessage, res: ServerResponse, instanceId: string): void {
  const urls = managementUrls(originOf(req), engine.hubName, encodeURIComponent(instanceId));
  urls.id = instanceId;
  send(res, 202, urls, { Location: urls.statusQueryGetUri ?? '', 'Retry-After': '10' });
}

async function waitUntilDone(
  engine: Engine,
  instanceId: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<Instance | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = engine.getInstance(instanceId);
    if (!instance || isTerminal(instance.runtimeStatus)) return instance;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(intervalMs, deadline - Date.now()))));
  }
}

async function route(engine: Engine, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params = url.searchParams;
  const segments = path
    .split('?')[0]!
    .split('/')
    .map((s) => decodeURIComponent(s));
  const method = (req.method ?? 'GET').toUpperCase();
  const [area, first, action, actionArg] = segments;

  if (area === 'entities') {
    sendError(res, 501, 'Durable entities are not supported by the local runtime.');
    return true;
  }

  if (area === 'orchestrators' && first && method === 'POST' && segments.length <= 3) {
    const instance = engine.startNew(first, action || undefined, await bodyJson(req));
    const timeout = params.get('timeout');
    if (timeout !== null) {
      const seconds = Number(timeout);
      const interval = Number(params.get('pollingInterval') ?? '1');
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new DurableRequestError(400, "'timeout' must be a number of seconds.");
      const done = await waitUntilDone(
        engine,
        instance.instanceId,
        seconds * 1000,
        (Number.isFinite(interval) ? interval : 1) * 1000,
      );
      if (done?.runtimeStatus === 'Completed') {
        send(res, 200, parseJson(done.output));
        return true;
      }
      if (done) {
        send(res, done.runtimeStatus === 'Failed' ? 500 : 200, statusJson(done, { showInput: true }));
        return true;
      }
    }
    checkStatus(engine, req, res, instance.instanceId);
    return true;
  }

  if (area !== 'instances') return false;

  if (!first) {
    // instances/ : list or purge by filter
    const filter = instanceQuery(params);
    if (method === 'GET') {
      const all = engine.queryInstances(filter);
      const top = Number(params.get('top') ?? PAGE_SIZE);
      const pageSize = Number.isInteger(top) && top > 0 ? top : PAGE_SIZE;
      const token = req.headers['x-ms-continuation-token'];
      const offset = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
      const page = all.slice(offset, offset + pageSize);
      const next = offset + pageSize < all.length ? String(offset + pageSize) : '';
      const showInput = flag(params, 'showInput') === true;
      send(
        res,
        200,
        page.map((i) => statusJson(i, { showInput })),
        next ? { 'x-ms-continuation-token': next } : {},
      );
      return true;
    }
    if (method === 'DELETE') {
      const ids = engine
        .queryInstances(filter)
        .filter((i) => isTerminal(i.runtimeStatus))
        .map((i) => i.instanceId);
      const deleted = engine.purge(ids);
      if (deleted === 0) sendError(res, 404, 'No instances matched the filter.');
      else send(res, 200, { instancesDeleted: deleted });
      return true;
    }
    sendError(res, 405, `${method} is not allowed here.`);
    return true;
  }

  if (!action) {
    if (method === 'GET') {
      const instance = engine.getInstance(first);
      if (!instance) {
        sendError(res, 404, `No instance with ID '${first}' was found.`);
        return true;
      }
      const body = statusJson(instance, {
        showInput: flag(params, 'showInput') !== false,
        showHistory: flag(params, 'showHistory') === true,
        showHistoryOutput: flag(params, 'showHistoryOutput') === true,
      });
      if (isTerminal(instance.runtimeStatus)) send(res, 200, body);
      else {
        const location =
          managementUrls(originOf(req), engine.hubName, encodeURIComponent(first)).statusQueryGetUri ?? '';
        send(res, 202, body, { Location: location, 'Retry-After': '10' });
      }
      return true;
    }
    if (method === 'DELETE') {
      const deleted = engine.purge([first]);
      if (deleted === 0) sendError(res, 404, `No instance with ID '${first}' was found.`);
      else send(res, 200, { instancesDeleted: deleted });
      return true;
    }
    sendError(res, 405, `${method} is not allowed here.`);
    return true;
  }

  if (method !== 'POST') {
    sendError(res, 405, `${method} is not allowed here.`);
    return true;
  }
  const reason = params.get('reason') ?? '';
  switch (action) {
    case 'raiseEvent':
      if (!actionArg) throw new DurableRequestError(400, 'The event name is missing.');
      engine.raiseEvent(first, actionArg, await bodyJson(req));
      break;
    case 'terminate':
      engine.terminate(first, reason);
      break;
    case 'suspend':
      engine.suspend(first, reason);
      break;
    case 'resume':
      engine.resume(first, reason);
      break;
    case 'rewind':
      if (!engine.getInstance(first)) throw new DurableRequestError(404, `No instance with ID '${first}' was found.`);
      throw new DurableRequestError(501, 'Rewind is not supported by the local runtime; start a new instance instead.');
    case 'restart': {
      const previous = engine.getInstance(first);
      if (!previous) throw new DurableRequestError(404, `No instance with ID '${first}' was found.`);
      const reuseId = flag(params, 'restartWithNewInstanceId') === false;
      const restarted = engine.startNew(previous.name, reuseId ? first : undefined, previous.input);
      checkStatus(engine, req, res, restarted.instanceId);
      return true;
    }
    default:
      return false;
  }
  send(res, 202);
  return true;
}

/** Serves `path` (what follows /runtime/webhooks/durabletask/); false when it is not a Durable route. */
export async function handleDurableHttp(
  engine: Engine,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  try {
    return await route(engine, req, res, path.replace(/^\/+/, ''));
  } catch (err) {
    if (err instanceof DurableRequestError) sendError(res, err.status, err.message);
    else if (err instanceof URIError) sendError(res, 400, 'The request path is not valid.');
    else {
      engine.options.log(
        'error',
        `Durable HTTP API error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      sendError(res, 500, 'The Durable engine could not handle the request.');
    }
    return true;
  }
}
