/**
 * The Durable Functions HTTP API (the routes under /runtime/webhooks/durabletask/ that `df.getClient(context)` calls
 * through its rpcBaseUrl, and that the check-status management URLs point to), and the durableClient binding data.
 * Status codes, headers, bodies and query parsing follow the extension's
 * src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs and HttpRequestMessageExtensions.cs (durable-extension
 * a7c6d694); the comments below name the method each behaviour comes from.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InstanceQuery, ManagedInstances } from './contract.js';
import {
  argumentError,
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

/**
 * .NET WebUtility.UrlEncode, which GetClientResponseLinks applies to the instance id: letters, digits and -_.!*()
 * stay, a space becomes '+', everything else is %XX (upper-case hex) of its UTF-8 bytes.
 */
function webUtilityUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.!*()]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** HttpApiHandler.GetClientResponseLinks: the HttpManagementPayload of one instance (`instanceId` already encoded). */
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

/** HttpApiHandler.ConvertFrom writes times as `ToString("s") + "Z"`: whole seconds, no fraction. */
function wholeSeconds(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

/** The instance status JSON the extension answers with (`input` and `output` always present, as the client requires). */
function statusJson(
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
    createdTime: wholeSeconds(instance.createdTime),
    lastUpdatedTime: wholeSeconds(instance.lastUpdatedTime),
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

/**
 * An error answer as HttpRequestMessageExtensions writes it: `{"Message"}` (CreateErrorResponse), plus
 * `ExceptionMessage`, `ExceptionType` and `StackTrace` when an exception is attached. 404 and 410 are always
 * bodiless (`request.CreateResponse(HttpStatusCode.NotFound / Gone)`). The .NET stack trace has no local
 * equivalent and is sent as null.
 */
function sendError(res: ServerResponse, err: DurableRequestError): void {
  if (err.status === 404 || err.status === 410) {
    send(res, err.status);
    return;
  }
  const body: Record<string, unknown> = { Message: err.message };
  if (err.exception) {
    body.ExceptionMessage = err.exception.message;
    body.ExceptionType = err.exception.type;
    body.StackTrace = null;
  }
  send(res, err.status, body);
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

const INVALID_JSON = 'Invalid JSON content';

/**
 * The JSON text of a request body, or null when it is empty. HandleStartOrchestratorRequestAsync deserializes a
 * non-empty body with JsonConvert (anything else: 400 "Invalid JSON content"); HandleRaiseEventRequestAsync parses
 * it with JToken.Load, which refuses an empty body too.
 */
async function bodyJson(req: IncomingMessage, emptyAllowed: boolean): Promise<string | null> {
  const text = await readBody(req);
  if (emptyAllowed && text.trim() === '') return null;
  try {
    JSON.parse(text);
    return text;
  } catch (err) {
    throw new DurableRequestError(400, INVALID_JSON, {
      message: err instanceof Error ? err.message : String(err),
      type: 'Newtonsoft.Json.JsonReaderException',
    });
  }
}

/** HandleRaiseEventRequestAsync accepts only the media type application/json (any parameters, any case). */
function isJsonMediaType(req: IncomingMessage): boolean {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  return mediaType.toLowerCase() === 'application/json';
}

function originOf(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  return `http://${host}`;
}

/** TryGetBooleanQueryParameterValue: .NET bool.TryParse ("true"/"false", any case, trimmed); anything else is unset. */
function flag(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name)?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** TryGetDateTimeQueryParameterValue: a value that does not parse as a date is ignored, not refused. */
function time(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * TryGetIEnumerableQueryParameterValue: comma-separated, each parsed with Enum.TryParse (case-sensitive); values that
 * do not parse are skipped rather than refused.
 */
function instanceQuery(params: URLSearchParams): InstanceQuery {
  const statuses = params
    .getAll('runtimeStatus')
    .flatMap((value) => value.split(','))
    .filter((s): s is RuntimeStatus => (RUNTIME_STATUSES as string[]).includes(s));
  return {
    createdTimeFrom: time(params, 'createdTimeFrom'),
    createdTimeTo: time(params, 'createdTimeTo'),
    runtimeStatus: statuses,
    instanceIdPrefix: params.get('instanceIdPrefix') ?? undefined,
  };
}

/**
 * HttpApiHandler.CreateCheckStatusResponseMessage: 202 with exactly these eight fields (no rewindPostUri, unlike the
 * binding data's managementUrls), `Location` and `Retry-After: 10`.
 */
function checkStatus(engine: ManagedInstances, req: IncomingMessage, res: ServerResponse, instanceId: string): void {
  const urls = managementUrls(originOf(req), engine.hubName, webUtilityUrlEncode(instanceId));
  const body = {
    id: instanceId,
    statusQueryGetUri: urls.statusQueryGetUri,
    sendEventPostUri: urls.sendEventPostUri,
    terminatePostUri: urls.terminatePostUri,
    purgeHistoryDeleteUri: urls.purgeHistoryDeleteUri,
    restartPostUri: urls.restartPostUri,
    suspendPostUri: urls.suspendPostUri,
    resumePostUri: urls.resumePostUri,
  };
  send(res, 202, body, { Location: body.statusQueryGetUri ?? '', 'Retry-After': '10' });
}

async function waitUntilDone(
  engine: ManagedInstances,
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

function notFound(instanceId: string): DurableRequestError {
  return new DurableRequestError(404, `No instance with ID '${instanceId}' was found.`);
}

/** The instance of a management operation: 404 when unknown, 410 when it is in one of `gone`. */
function instanceFor(engine: ManagedInstances, instanceId: string, gone: RuntimeStatus[]): Instance {
  const instance = engine.getInstance(instanceId);
  if (!instance) throw notFound(instanceId);
  if (gone.includes(instance.runtimeStatus)) {
    throw new DurableRequestError(410, `The instance '${instanceId}' is already ${instance.runtimeStatus}.`);
  }
  return instance;
}

const FINISHED: RuntimeStatus[] = ['Completed', 'Terminated', 'Canceled', 'Failed'];

/** TryGetTimeSpanQueryParameterValue: seconds as a double; unset when it does not parse. */
function seconds(params: URLSearchParams, name: string): number | undefined {
  const value = params.get(name);
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * HandleGetStatusRequestAsync (one instance): 202 with `Location` (the request's own URL) and `Retry-After: 5`
 * while Running, Pending, ContinuedAsNew or Suspended; 200 when Completed, Terminated or Canceled; Failed is 200,
 * or 500 with `returnInternalServerErrorOnFailure=true`. `showInput` defaults to true.
 */
function sendStatus(
  req: IncomingMessage,
  res: ServerResponse,
  instance: Instance,
  params: URLSearchParams,
  failureIs500: boolean,
): void {
  const body = statusJson(instance, {
    showInput: flag(params, 'showInput') ?? true,
    showHistory: flag(params, 'showHistory') === true,
    showHistoryOutput: flag(params, 'showHistoryOutput') === true,
  });
  if (!isTerminal(instance.runtimeStatus)) {
    send(res, 202, body, { Location: `${originOf(req)}${req.url ?? ''}`, 'Retry-After': '5' });
    return;
  }
  send(res, instance.runtimeStatus === 'Failed' && failureIs500 ? 500 : 200, body);
}

/**
 * WaitForCompletionOrCreateCheckStatusResponseAsync, as the start and restart routes use it (only when both
 * `timeout` and `pollingInterval` parse): the output when Completed, the status when Failed (200), Terminated or
 * Canceled, otherwise the check-status answer.
 */
async function startedAnswer(
  engine: ManagedInstances,
  req: IncomingMessage,
  res: ServerResponse,
  instanceId: string,
  params: URLSearchParams,
): Promise<void> {
  const timeout = seconds(params, 'timeout');
  const interval = seconds(params, 'pollingInterval');
  if (timeout !== undefined && interval !== undefined) {
    const done = await waitUntilDone(engine, instanceId, timeout * 1000, interval * 1000);
    if (done?.runtimeStatus === 'Completed') {
      send(res, 200, parseJson(done.output));
      return;
    }
    if (done) {
      sendStatus(req, res, done, params, false);
      return;
    }
  }
  checkStatus(engine, req, res, instanceId);
}

async function route(
  engine: ManagedInstances,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const params = url.searchParams;
  const segments = path
    .split('?')[0]!
    .split('/')
    .map((s) => decodeURIComponent(s));
  const method = (req.method ?? 'GET').toUpperCase();
  const [area, first, action, actionArg] = segments;
  // HandleRequestAsync answers a known route with another method, and any unknown route, with a bodiless 404.
  const unrouted = () => new DurableRequestError(404, 'No such route.');

  if (area === 'entities') {
    throw new DurableRequestError(501, 'Durable entities are not supported by the local runtime.');
  }

  if (area === 'orchestrators' && first && segments.length <= 3) {
    if (method !== 'POST') throw unrouted();
    const instance = engine.startNew(first, action || undefined, await bodyJson(req, true));
    await startedAnswer(engine, req, res, instance.instanceId, params);
    return true;
  }

  if (area !== 'instances') return false;

  if (!first) {
    if (method === 'GET') {
      // HandleGetStatusRequestAsync (list): OrchestrationStatusQueryCondition.ShowInput defaults to true.
      const all = engine.queryInstances(instanceQuery(params));
      const top = Number(params.get('top') ?? PAGE_SIZE);
      const pageSize = Number.isInteger(top) && top > 0 ? top : PAGE_SIZE;
      const token = req.headers['x-ms-continuation-token'];
      const offset = typeof token === 'string' && /^\d+$/.test(token) ? Number(token) : 0;
      const page = all.slice(offset, offset + pageSize);
      const next = offset + pageSize < all.length ? String(offset + pageSize) : '';
      const showInput = flag(params, 'showInput') ?? true;
      send(
        res,
        200,
        page.map((i) => statusJson(i, { showInput })),
        next ? { 'x-ms-continuation-token': next } : {},
      );
      return true;
    }
    if (method === 'DELETE') {
      // HandleDeleteHistoryWithFiltersRequestAsync: createdTimeFrom is required (400 with a JSON string body);
      // createdTimeTo defaults to now; only finished instances are purged (AzureTableTrackingStore).
      const filter = instanceQuery(params);
      if (filter.createdTimeFrom === undefined) {
        send(res, 400, "Please provide value for 'createdTimeFrom' parameter.");
        return true;
      }
      const ids = engine
        .queryInstances({ ...filter, createdTimeTo: filter.createdTimeTo ?? Date.now() })
        .filter((i) => isTerminal(i.runtimeStatus))
        .map((i) => i.instanceId);
      const deleted = engine.purge(ids);
      if (deleted === 0) throw new DurableRequestError(404, 'No instances matched the filter.');
      send(res, 200, { instancesDeleted: deleted });
      return true;
    }
    throw unrouted();
  }

  if (!action) {
    if (method === 'GET') {
      const instance = engine.getInstance(first);
      if (!instance) throw notFound(first);
      sendStatus(req, res, instance, params, flag(params, 'returnInternalServerErrorOnFailure') === true);
      return true;
    }
    if (method === 'DELETE') {
      const deleted = engine.purge([first]);
      if (deleted === 0) throw notFound(first);
      send(res, 200, { instancesDeleted: deleted });
      return true;
    }
    throw unrouted();
  }

  if (method !== 'POST') throw unrouted();
  const reason = params.get('reason') ?? '';
  switch (action.toLowerCase()) {
    case 'raiseevent': {
      if (!actionArg || segments.length > 4) throw unrouted();
      // HandleRaiseEventRequestAsync: 404 unknown, 410 finished (Failed included), then the media type, then JSON.
      instanceFor(engine, first, FINISHED);
      if (!isJsonMediaType(req)) {
        throw new DurableRequestError(400, 'Only application/json request content is supported');
      }
      engine.raiseEvent(first, actionArg, await bodyJson(req, false));
      break;
    }
    case 'terminate':
      instanceFor(engine, first, FINISHED);
      engine.terminate(first, reason);
      break;
    case 'suspend':
      instanceFor(engine, first, FINISHED);
      engine.suspend(first, reason);
      break;
    case 'resume':
      instanceFor(engine, first, FINISHED);
      engine.resume(first, reason);
      break;
    case 'rewind':
      // HandleRewindInstanceRequestAsync: 404 unknown, 410 Completed/Terminated/Canceled; rewinding itself is not
      // implemented here.
      instanceFor(engine, first, ['Completed', 'Terminated', 'Canceled']);
      throw new DurableRequestError(501, 'Rewind is not supported by the local runtime; start a new instance instead.');
    case 'restart': {
      // DurableClient.RestartAsync: an unknown id is an ArgumentException, answered with this route's own message.
      const previous = engine.getInstance(first);
      if (!previous) {
        const err = argumentError(`An orchestrastion with the instanceId ${first} was not found.`);
        throw new DurableRequestError(400, 'InstanceId does not match a valid orchestration instance.', err.exception);
      }
      const reuseId = flag(params, 'restartWithNewInstanceId') === false;
      const restarted = engine.startNew(previous.name, reuseId ? first : undefined, previous.input);
      await startedAnswer(engine, req, res, restarted.instanceId, params);
      return true;
    }
    default:
      throw unrouted();
  }
  send(res, 202);
  return true;
}

/** Serves `path` (what follows /runtime/webhooks/durabletask/); false when it is not a Durable route. */
export async function handleDurableHttp(
  engine: ManagedInstances,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  try {
    return await route(engine, req, res, path.replace(/^\/+/, ''));
  } catch (err) {
    if (err instanceof DurableRequestError) sendError(res, err);
    else if (err instanceof URIError) sendError(res, new DurableRequestError(400, 'The request path is not valid.'));
    else {
      engine.options.log(
        'error',
        `Durable HTTP API error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      sendError(res, new DurableRequestError(500, 'Something went wrong while processing your request'));
    }
    return true;
  }
}
