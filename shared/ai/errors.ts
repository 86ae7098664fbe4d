import { AppError } from '../platform/errors';

/** The model's answer still did not match the output schema after one repair attempt. */
export class StructuredOutputError extends AppError {
  constructor(taskId: string) {
    super(
      502,
      'model-output',
      'The model gave an unusable answer',
      `The model's answer for "${taskId}" did not follow the expected format, even after a retry.`,
    );
  }
}

/** The model provider failed (after retries) or timed out. */
export class ModelUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'model-unavailable', 'The AI model is unavailable', detail);
  }
}

/** Details a provider error may carry (the openai SDK's APIError has `status` and `headers`). */
export interface ProviderFailure {
  status?: number;
  headers?: Headers | Record<string, string>;
  name?: string;
  message?: string;
}

function header(headers: ProviderFailure['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Milliseconds the server asked us to wait (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date). */
export function retryAfterMs(err: ProviderFailure, now = Date.now()): number | undefined {
  const ms = Number(header(err.headers, 'retry-after-ms'));
  if (Number.isFinite(ms) && ms >= 0 && header(err.headers, 'retry-after-ms') !== undefined) return ms;
  const raw = header(err.headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 408, 409 (lock), 429 and 5xx are worth retrying; so are timeouts and dropped connections. */
export function isRetryable(err: ProviderFailure): boolean {
  if (typeof err.status === 'number')
    return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
  return /timeout|timed out|abort|ECONNRESET|ECONNREFUSED|socket|connection/i.test(`${err.name} ${err.message}`);
}
