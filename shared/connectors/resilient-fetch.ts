import { retryAfterMs, retryDelayMs, sleep as realSleep } from '../platform/retry';

/**
 * The one place provider HTTP calls get their cross-cutting behaviour. Every vendor SDK is given this `fetch`:
 * - it adds the connector's bearer token (fetched per attempt, so a refresh is picked up);
 * - a 401 forces one token refresh and one retry; a second 401 means access was withdrawn;
 * - 429 and 503 are retried for any method (the request was not processed), other 5xx only for idempotent methods,
 *   waiting as `platform/retry` says (exponential backoff with jitter, honouring Retry-After up to a cap).
 */
export interface ResilienceOptions {
  token(opts: { force: boolean }): Promise<string>;
  /** Called when the vendor refused a freshly refreshed token. */
  onRevoked(): Promise<void>;
  maxRetries: number;
  maxDelayMs: number;
  baseDelayMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function createResilientFetch(options: ResilienceOptions): typeof fetch {
  const baseFetch = options.fetchImpl ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const backoff = { baseDelayMs: options.baseDelayMs ?? 250, maxDelayMs: options.maxDelayMs };

  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    // Buffer the body once so it can be sent again on a retry.
    let body: RequestInit['body'] = init?.body;
    if (request && init?.body === undefined && request.body) body = await request.arrayBuffer();
    if (body && typeof (body as ReadableStream).getReader === 'function')
      body = await new Response(body as ReadableStream).arrayBuffer();
    else if (body && typeof body === 'object' && Symbol.asyncIterator in body && !(body instanceof Uint8Array)) {
      // A Node stream (multipart uploads): read it once into memory.
      const chunks: Buffer[] = [];
      for await (const chunk of body as AsyncIterable<Uint8Array | string>)
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
      body = Buffer.concat(chunks);
    }
    const url = request ? request.url : input.toString();
    let forced = false;
    for (let attempt = 0; ; attempt++) {
      const headers = new Headers(init?.headers ?? request?.headers);
      headers.set('authorization', `Bearer ${await options.token({ force: forced })}`);
      const response = await baseFetch(url, {
        ...init,
        method,
        headers,
        body,
        signal: init?.signal ?? AbortSignal.timeout(30_000),
      });
      if (response.status === 401) {
        if (forced) {
          await options.onRevoked();
          return response;
        }
        forced = true;
        await response.arrayBuffer().catch(() => undefined);
        continue;
      }
      const retriable =
        response.status === 429 || response.status === 503 || (response.status >= 500 && IDEMPOTENT.has(method));
      if (!retriable || attempt >= options.maxRetries) return response;
      await response.arrayBuffer().catch(() => undefined);
      await sleep(retryDelayMs(backoff, attempt, retryAfterMs(response.headers)));
    }
  };
}
