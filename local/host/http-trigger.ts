/**
 * HTTP triggers on the runtime's port, as the Functions host serves them: route prefix, route templates, methods,
 * the request handed to the worker as RPC http data, and the worker's response written back (status, headers,
 * cookies, body). Like the host: no matching route, or a route without the request's method, answers 404 with an
 * empty body; a handler that throws answers 500 with an empty body; a handler that returns nothing answers 204.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './core-types';
import type { FunctionsCore } from './functions-core';
import { invokeFunction, triggerOf } from './invoke';
import { compareRoutes, compileRoute, matchRoute, type CompiledRoute } from './routes';

export interface HttpFunction {
  name: string;
  route: CompiledRoute;
  /** Upper-case methods; empty = every method. */
  methods: string[];
}

/** The host's default request size limit (100 MB). */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

export function httpFunctionsOf(core: FunctionsCore): HttpFunction[] {
  const out: HttpFunction[] = [];
  for (const fn of core.functions.values()) {
    const trigger = triggerOf(fn);
    if (trigger.type.toLowerCase() !== 'httptrigger') continue;
    const route =
      typeof trigger.binding.route === 'string' && trigger.binding.route ? trigger.binding.route : fn.metadata.name;
    const methods = Array.isArray(trigger.binding.methods)
      ? (trigger.binding.methods as string[]).map((m) => m.toUpperCase())
      : [];
    out.push({ name: fn.metadata.name, route: compileRoute(route), methods });
  }
  return out.sort((a, b) => compareRoutes(a.route, b.route));
}

export type RouteLookup =
  | { kind: 'function'; fn: HttpFunction; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export function findHttpFunction(functions: HttpFunction[], method: string, path: string): RouteLookup {
  const allowed = new Set<string>();
  for (const fn of functions) {
    const params = matchRoute(fn.route, path);
    if (!params) continue;
    if (fn.methods.length === 0 || fn.methods.includes(method)) return { kind: 'function', fn, params };
    fn.methods.forEach((m) => allowed.add(m));
  }
  return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed] } : { kind: 'not-found' };
}

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(`The request body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Repeated values joined as Microsoft.Extensions.Primitives StringValues.ToString() joins them, which is what the host
 * forwards for each Kestrel header and query key (GrpcMessageConversionExtensions.ToRpcHttp: `pair.Value.ToString()`):
 * with ',' and no space, skipping empty values (a single value is kept as it is, even when empty).
 */
function joinStringValues(values: string[]): string {
  if (values.length === 1) return values[0]!;
  return values.filter((v) => v.length > 0).join(',');
}

/**
 * The request headers as the host forwards them: names lower-cased, repeated headers joined by
 * {@link joinStringValues}. Node's own `req.headers` joins with ', ' (and '; ' for cookie), so the distinct values
 * are used instead. Empty values stay: the Node worker asks for UseNullableValueDictionaryForHttp, under which the
 * host keeps them.
 */
function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(req.headersDistinct)) {
    if (values) out[key] = joinStringValues(values);
  }
  return out;
}

function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) out[key] = joinStringValues(url.searchParams.getAll(key));
  return out;
}

/**
 * Whether the host hands the worker this request's body. It reads the body only when `request.ContentLength > 0`
 * (azure-functions-host src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs, ToRpcHttp), so
 * a chunked body without Content-Length reaches the function empty (azure-functions-nodejs-worker#524,
 * azure-functions-host#4926).
 */
function hostReadsBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0;
}

/** The RPC http data the host sends the worker for this request. */
function toRpcHttpRequest(req: IncomingMessage, url: URL, params: Record<string, string>, body: Buffer): RpcHttpData {
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: url.toString(),
    headers: headersOf(req),
    query: queryOf(url),
    params,
    body: body.length > 0 ? { bytes: new Uint8Array(body.buffer, body.byteOffset, body.length) } : { string: '' },
  };
}

function bodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes)
    return Buffer.from(data.bytes instanceof Uint8Array ? data.bytes : Object.values(data.bytes as object));
  if (data.stream) return Buffer.from(data.stream);
  if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
  if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
  if (data.int !== undefined && data.int !== null) return Buffer.from(String(data.int));
  if (data.double !== undefined && data.double !== null) return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

/** RFC 7230 token characters: what ASP.NET Core's CookieHeaderValue.CheckNameFormat accepts for a cookie name. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** .NET Uri.EscapeDataString: everything but the RFC 3986 unreserved characters A-Z a-z 0-9 - . _ ~ is %XX-escaped. */
function escapeDataString(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An app's cookie the host cannot write: the response fails with 500, as an exception in ExecuteResultAsync does. */
class InvalidCookieError extends Error {}

/**
 * One Set-Cookie value as the host writes it. GrpcMessageExtensionUtilities.RpcHttpCookieConverter builds
 * CookieOptions (whose Path defaults to "/"; SameSite "none" is Unspecified, "explicitNone" is None), and
 * RawScriptResult calls ASP.NET Core's ResponseCookies.Append, which escapes the value with Uri.EscapeDataString
 * (the name is left as it is) and formats it with SetCookieHeaderValue.ToString (dotnet/aspnetcore
 * src/Http/Http/src/Internal/ResponseCookies.cs, src/Http/Headers/src/SetCookieHeaderValue.cs):
 * `name=value; expires=…; max-age=…; domain=…; path=…; secure; samesite=…; httponly`.
 */
function formatCookie(cookie: RpcHttpCookie): string {
  const name = cookie.name ?? '';
  if (!COOKIE_NAME.test(name)) throw new InvalidCookieError(`The cookie name '${name}' is not a valid token.`);
  const parts = [`${name}=${escapeDataString(cookie.value ?? '')}`];
  const seconds = cookie.expires?.value?.seconds;
  if (seconds !== undefined && seconds !== null)
    parts.push(`expires=${new Date(Number(seconds) * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (maxAge !== undefined && maxAge !== null) {
    if (maxAge < 0) throw new InvalidCookieError(`The cookie '${name}' has a negative max-age.`);
    parts.push(`max-age=${Math.trunc(maxAge)}`);
  }
  const domain = cookie.domain?.value;
  if (domain !== undefined && domain !== null) parts.push(`domain=${domain}`);
  const path = cookie.path?.value;
  parts.push(`path=${path !== undefined && path !== null ? path : '/'}`);
  if (cookie.secure?.value) parts.push('secure');
  if (cookie.sameSite === 'explicitNone') parts.push('samesite=none');
  else if (cookie.sameSite === 'lax') parts.push('samesite=lax');
  else if (cookie.sameSite === 'strict') parts.push('samesite=strict');
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}

/** Writes the worker's http return value (or its absence: 204) to the response. */
function writeHttpResult(res: ServerResponse, returnValue: RpcTypedData | undefined, method: string): void {
  const http = returnValue?.http;
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? 200);
  const headers = http.headers ?? {};
  const cookies = (http.cookies ?? []).map(formatCookie);
  for (const [key, value] of Object.entries(headers)) {
    try {
      res.setHeader(key, value);
    } catch {
      // An invalid header name or value from the app is dropped rather than failing the response.
    }
  }
  if (cookies.length > 0) {
    const existing = res.getHeader('set-cookie');
    res.setHeader('set-cookie', [...(existing ? ([] as string[]).concat(existing as string) : []), ...cookies]);
  }
  const body = bodyBytes(http.body);
  res.statusCode = Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500;
  const noBody = method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
  if (!noBody) res.setHeader('content-length', body.length);
  res.end(noBody ? undefined : body);
}

/**
 * Serves one API request (path already stripped of the route prefix). Resolves when the response was written.
 */
export async function serveHttpFunction(
  functions: HttpFunction[],
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  log: (msg: string) => void,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const found = findHttpFunction(functions, method, path);
  if (found.kind !== 'function') {
    // The host answers 404 for an unknown route and for a known route without this method.
    res.writeHead(404, { 'content-length': 0 }).end();
    const why =
      found.kind === 'method-not-allowed'
        ? `the route only accepts ${found.allowed.join(', ')}`
        : 'no function has this route';
    log(`${method} ${url.pathname} -> 404 (${why})`);
    return;
  }
  let body: Buffer;
  try {
    body = hostReadsBody(req) ? await readBody(req) : Buffer.alloc(0);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(err.message);
      return;
    }
    throw err;
  }
  const started = performance.now();
  try {
    const result = await invokeFunction(found.fn.name, { http: toRpcHttpRequest(req, url, found.params, body) });
    writeHttpResult(res, result.returnValue, method);
  } catch (err) {
    log(`Function "${found.fn.name}" failed: ${(err as Error)?.stack ?? String(err)}`);
    if (!res.headersSent) res.writeHead(500, { 'content-length': 0 });
    res.end();
  } finally {
    log(
      `${method} ${url.pathname} -> ${found.fn.name} ${res.statusCode} (${Math.round(performance.now() - started)} ms)`,
    );
  }
}
