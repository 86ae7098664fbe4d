/**
 * OpenTelemetry to Application Insights. Off (and free: no SDK is loaded) unless APPLICATIONINSIGHTS_CONNECTION_STRING
 * is set. When on:
 * - every invocation runs inside the trace context the Functions host hands over, so an API call, the orchestration
 *   it starts, its activities and their outbound calls (connectors, model, Azure SDKs) form one end-to-end trace;
 * - outbound calls are traced by the SDK's HTTP instrumentation (node:http) and undici's (fetch);
 * - spans started while handling an API request carry its correlation id (`app.correlation_id`);
 * - secrets never leave the process: credentials in headers, query strings, signed tokens and bearer values are
 *   redacted from every span, span event and log record before export.
 */
import { app, type PreInvocationContext } from '@azure/functions';
import type * as OtelApi from '@opentelemetry/api';

type Attributes = Record<string, unknown>;

const CORRELATION_ATTRIBUTE = 'app.correlation_id';
const REDACTED = '[redacted]';

/** Query parameters whose values are credentials (OAuth codes and tokens, signatures, keys, approval link tokens). */
const SECRET_PARAMS =
  /^(code|token|t|access_token|refresh_token|id_token|client_secret|client_assertion|code_verifier|sig|signature|key|api[-_]?key|password|secret|assertion|state)$/i;
/** Attribute names whose string values are credentials (e.g. `http.request.header.authorization`). */
const SECRET_ATTRIBUTE =
  /(authorization|cookie|api[-_]?key|secret|password|credential|x-ms-token|access[-_]?token|refresh[-_]?token|signature)/i;
/** Attribute names that hold a URL or part of one. */
const URL_ATTRIBUTE = /^(url\.full|url\.query|url\.path|http\.url|http\.target|http\.route)$/;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** JWTs and our signed link tokens: three dot-separated base64url parts. */
const SIGNED_TOKEN = /\b[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g;

/** Removes credentials from free text: bearer values, JWTs and signed tokens, secret query parameters of URLs in it. */
export function redactText(text: string): string {
  return text
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SIGNED_TOKEN, REDACTED)
    .replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (m, sep: string, name: string) =>
      SECRET_PARAMS.test(decodeSafe(name)) ? `${sep}${name}=${REDACTED}` : m,
    );
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Redacts telemetry attributes in place: secret-named attributes lose their value, URLs and text are scrubbed. */
export function redactAttributes(attributes: Attributes): Attributes {
  for (const [key, value] of Object.entries(attributes)) {
    if (SECRET_ATTRIBUTE.test(key) && (typeof value === 'string' || Array.isArray(value))) {
      attributes[key] = REDACTED;
    } else if (typeof value === 'string') {
      attributes[key] = redactText(value);
    } else if (Array.isArray(value)) {
      attributes[key] = value.map((v) => (typeof v === 'string' ? redactText(v) : v));
    }
    if (URL_ATTRIBUTE.test(key) && typeof attributes[key] === 'string')
      attributes[key] = redactText(attributes[key] as string);
  }
  return attributes;
}

interface MutableSpan {
  name: string;
  attributes: Attributes;
  events: { name: string; attributes?: Attributes }[];
  status?: { message?: string };
}

/** Span processor (structural type of @opentelemetry/sdk-trace-base's) that tags and redacts spans. */
const redactingSpanProcessor = {
  onStart(span: { setAttribute(key: string, value: string): unknown }, parentContext: OtelApi.Context): void {
    const correlationId = correlationKey && parentContext.getValue(correlationKey);
    if (typeof correlationId === 'string') span.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  },
  onEnd(span: unknown): void {
    const s = span as MutableSpan;
    s.name = redactText(s.name);
    redactAttributes(s.attributes);
    for (const event of s.events ?? []) if (event.attributes) redactAttributes(event.attributes);
    if (s.status?.message) s.status.message = redactText(s.status.message);
  },
  forceFlush: async (): Promise<void> => {},
  shutdown: async (): Promise<void> => {},
};

interface MutableLogRecord {
  body?: unknown;
  attributes: Attributes;
  setBody?(body: unknown): unknown;
}

/** Log record processor that redacts log lines (context.log output and SDK logs) before export. */
const redactingLogProcessor = {
  onEmit(record: unknown): void {
    const r = record as MutableLogRecord;
    if (typeof r.body === 'string') {
      const clean = redactText(r.body);
      if (r.setBody) r.setBody(clean);
      else r.body = clean;
    }
    if (r.attributes) redactAttributes(r.attributes);
  },
  forceFlush: async (): Promise<void> => {},
  shutdown: async (): Promise<void> => {},
};

let otel: typeof OtelApi | undefined;
/** Context key carrying the correlation id in-process (not baggage: it must not travel to third-party APIs). */
let correlationKey: symbol | undefined;
let started: Promise<boolean> | undefined;

export interface TelemetryEnvironment {
  APPLICATIONINSIGHTS_CONNECTION_STRING?: string;
  /** `ClientId=<managed identity client id>;Authorization=AAD` when the component only accepts Entra ID. */
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING?: string;
  /** Share of traces kept (0..1); default 1 (Application Insights' own rate limit applies on top). */
  APPLICATIONINSIGHTS_SAMPLING_RATIO?: string;
  [name: string]: string | undefined;
}

/**
 * Starts telemetry once per process, before the app's functions run. Returns false (and loads nothing) when no
 * connection string is configured. Safe to call more than once.
 */
export function startTelemetry(env: TelemetryEnvironment = process.env): Promise<boolean> {
  if (!env.APPLICATIONINSIGHTS_CONNECTION_STRING) return Promise.resolve(false);
  started ??= load(env).catch((err: unknown) => {
    // Telemetry must never take the app down: report once and run without it.
    console.error('telemetry could not start:', err instanceof Error ? err.message : err);
    return false;
  });
  registerInvocationHook();
  return started;
}

async function load(env: TelemetryEnvironment): Promise<boolean> {
  const [api, { useAzureMonitor }, { UndiciInstrumentation }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@azure/monitor-opentelemetry'),
    import('@opentelemetry/instrumentation-undici'),
  ]);
  const auth = env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '';
  const clientId = /ClientId=([^;]+)/i.exec(auth)?.[1];
  const credential = /Authorization=AAD/i.test(auth)
    ? new (await import('@azure/identity')).ManagedIdentityCredential(clientId ? { clientId } : {})
    : undefined;
  const ratio = Number(env.APPLICATIONINSIGHTS_SAMPLING_RATIO ?? '1');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING, credential },
    // Whole traces are kept or dropped by ratio (not per-second rate limiting), so a run's spans stay together.
    samplingRatio: Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
    spanProcessors: [redactingSpanProcessor as never],
    logRecordProcessors: [redactingLogProcessor as never],
  });
  // fetch() (openai, Google and Notion clients) goes through undici, which node:http instrumentation does not see.
  new UndiciInstrumentation();
  otel = api;
  correlationKey = api.createContextKey(CORRELATION_ATTRIBUTE);
  return true;
}

/**
 * Makes an invocation continue the trace the host started for it: the HTTP request, or for orchestrations and
 * activities the trace of the call that started the orchestration (Durable distributed tracing).
 */
export async function continueHostTrace(hook: PreInvocationContext): Promise<void> {
  if (!(await started) || !otel) return;
  const traceContext = hook.invocationContext.traceContext;
  if (!traceContext?.traceParent) return;
  const parent = otel.propagation.extract(otel.context.active(), {
    traceparent: traceContext.traceParent,
    tracestate: traceContext.traceState ?? '',
  });
  hook.functionHandler = otel.context.bind(parent, hook.functionHandler);
}

let hookRegistered = false;

/** Runs each invocation inside the trace context the host passed (HTTP request, orchestration, activity). */
function registerInvocationHook(): void {
  if (hookRegistered) return;
  hookRegistered = true;
  try {
    app.hook.preInvocation(continueHostTrace);
  } catch (err) {
    console.error('telemetry: invocation hook unavailable:', err instanceof Error ? err.message : err);
  }
}

/**
 * Runs `fn` with the API correlation id attached: on the current span and on every span started inside it
 * (outbound calls, Azure SDK calls). Without telemetry it just runs `fn`.
 */
export function withCorrelation<T>(correlationId: string, fn: () => Promise<T>): Promise<T> {
  const api = otel;
  if (!api || !correlationKey) return fn();
  api.trace.getActiveSpan()?.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
  return api.context.with(api.context.active().setValue(correlationKey, correlationId), fn);
}

/** Flushes and stops telemetry (tests, graceful shutdown). */
export async function stopTelemetry(): Promise<void> {
  if (!started || !(await started)) return;
  const { shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
  await shutdownAzureMonitor();
}
