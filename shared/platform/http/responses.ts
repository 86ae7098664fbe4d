import type { Cookie, HttpResponseInit } from '@azure/functions';

/** An HTTP entity tag (always quoted) for a stored version. */
const etagHeader = (version: string): string => (version.startsWith('"') ? version : `"${version}"`);

/** What a route handler returns. `body` is serialised as JSON unless `raw` is set. */
export interface RouteResult {
  status: number;
  body?: unknown;
  /** A string/bytes body sent as is, with `contentType`. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  /** Sent as Set-Cookie headers. */
  cookies?: Cookie[];
}

export const ok = (body: unknown, opts: { etag?: string; headers?: Record<string, string> } = {}): RouteResult => ({
  status: 200,
  body,
  headers: { ...(opts.etag ? { ETag: etagHeader(opts.etag) } : {}), ...opts.headers },
});

export const created = (body: unknown, location: string, etag?: string): RouteResult => ({
  status: 201,
  body,
  headers: { Location: location, ...(etag ? { ETag: etagHeader(etag) } : {}) },
});

/** For long operations: the resource to poll is at `location`. */
export const accepted = (body: unknown, location: string): RouteResult => ({
  status: 202,
  body,
  headers: { Location: location },
});

export const noContent = (): RouteResult => ({ status: 204 });

export const html = (markup: string, status = 200): RouteResult => ({
  status,
  raw: markup,
  contentType: 'text/html; charset=utf-8',
  headers: {
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
});

export const redirect = (location: string, status = 302): RouteResult => ({ status, headers: { Location: location } });

/**
 * Response headers a web app on another origin may read (the API may run on the function app's own origin, with CORS
 * for the web app): versions for If-Match, the correlation id people quote, where a created resource is, when to
 * retry. The host's CORS adds the allow-origin; which headers are readable is the app's to say.
 */
export const EXPOSED_HEADERS = { 'Access-Control-Expose-Headers': 'ETag, Location, Retry-After, x-correlation-id' };

/** Serialises a RouteResult for the Functions host. */
export function toHttpResponse(result: RouteResult, correlationId: string): HttpResponseInit {
  const headers: Record<string, string> = { 'x-correlation-id': correlationId, ...EXPOSED_HEADERS, ...result.headers };
  const cookies = result.cookies?.length ? { cookies: result.cookies } : {};
  if (result.raw !== undefined) {
    headers['content-type'] = result.contentType ?? 'application/octet-stream';
    return { status: result.status, headers, ...cookies, body: result.raw };
  }
  if (result.body === undefined) return { status: result.status, headers, ...cookies };
  headers['content-type'] = result.contentType ?? 'application/json';
  return { status: result.status, headers, ...cookies, body: JSON.stringify(result.body) };
}
