/** A problem+json error from the API, with a message fit to show a person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: { path: string; message: string }[] = [],
    readonly correlationId?: string,
    /** The plan's limit a `limit-exceeded` problem names (e.g. `eventTriggers`). */
    readonly limit?: string,
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }
}

type TokenSource = () => Promise<string | null>;

let apiBase = '/api';
let tokenHeader = 'Authorization';
let tokenSource: TokenSource = async () => null;
let onUnauthorized: () => void = () => {};

export function configureApi(options: {
  base: string;
  tokenHeader: string;
  token: TokenSource;
  unauthorized: () => void;
}): void {
  apiBase = options.base.replace(/\/$/, '');
  tokenHeader = options.tokenHeader;
  tokenSource = options.token;
  onUnauthorized = options.unauthorized;
}

const FALLBACK: Record<number, string> = {
  400: 'Some of what you entered is not valid.',
  401: 'Your session has ended. Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'We could not find that. It may have been deleted.',
  409: 'That conflicts with a change made elsewhere. Refresh and try again.',
  412: 'Someone changed this while you were editing. Refresh to see the latest version.',
  413: 'That is too large to send.',
  429: 'You have reached a limit of your plan. Try again later or upgrade.',
  500: 'Something went wrong on our side. Please try again.',
  503: 'The service is busy or starting. Please try again in a moment.',
};

async function toError(response: Response): Promise<ApiError> {
  const correlationId = response.headers.get('x-correlation-id') ?? undefined;
  const type = response.headers.get('content-type') ?? '';
  let body: Record<string, unknown> = {};
  if (type.includes('json')) body = ((await response.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
  const fallback = FALLBACK[response.status] ?? `The request failed (${response.status}).`;
  const title = typeof body.title === 'string' ? body.title : fallback;
  const detail = typeof body.detail === 'string' && body.detail ? body.detail : fallback;
  const errors = Array.isArray(body.errors) ? (body.errors as { path: string; message: string }[]) : [];
  const limit = typeof body.limit === 'string' ? body.limit : undefined;
  return new ApiError(response.status, title, detail, errors, correlationId, limit);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  ifMatch?: string;
  signal?: AbortSignal;
}

/** Calls the API with the signed-in person's token; throws ApiError with plain words on failure. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { data } = await apiRequestWithHeaders<T>(path, options);
  return data;
}

export async function apiRequestWithHeaders<T>(
  path: string,
  options: RequestOptions = {},
): Promise<{ data: T; headers: Headers; status: number }> {
  const url = new URL(apiBase + path, window.location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = await tokenSource();
  if (token) headers[tokenHeader] = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'Offline', 'We could not reach the service. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await toError(response);
    if (response.status === 401) onUnauthorized();
    throw error;
  }
  const type = response.headers.get('content-type') ?? '';
  const data = (response.status === 204 || !type.includes('json') ? undefined : await response.json()) as T;
  return { data, headers: response.headers, status: response.status };
}

/** "body.edits.to[1]" -> "To (item 2)", "body.config.lookbackHours" -> "Lookback hours": a field as people read it. */
export function fieldLabel(path: string): string {
  const parts = path.replace(/^(body|query|params)\.?/, '').split('.');
  const last = parts.filter((p) => !/^(edits|config|payload)$/.test(p)).pop() ?? path;
  const match = /^([^[]*)(?:\[(\d+)\])?/.exec(last)!;
  const words = match[1]!
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  const label = words ? words.charAt(0).toUpperCase() + words.slice(1) : 'This field';
  return match[2] !== undefined ? `${label} (item ${Number(match[2]) + 1})` : label;
}

/** A plain sentence for any error, for display. */
export function plainError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldErrors.map((e) => `${fieldLabel(e.path)}: ${e.message}`);
    // The detail of a validation problem repeats the field paths; people get the fields in words instead.
    return fields.length ? `${fields.join('. ')}.` : error.detail;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
