import { setTimeout as delay } from 'node:timers/promises';

/**
 * How calls to a remote service are retried: the model gateway and the connectors' provider calls both wait by these
 * rules, so a busy server is treated the same way everywhere.
 */
export interface Backoff {
  /** The first wait; it doubles on every retry, with jitter. */
  baseDelayMs: number;
  /** The longest wait, even when the server's Retry-After asks for more. */
  maxDelayMs: number;
}

/** Response headers as `fetch` gives them, or as a plain object (some SDK errors carry them that way). */
export type HeaderSource = Headers | Record<string, string | undefined> | undefined;

/** Waits for a number of milliseconds (the default wait between retries; tests inject their own). */
export const sleep = (ms: number): Promise<void> => delay(ms);

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string | undefined>)[name];
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date.
 * Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HeaderSource, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const raw = header(headers, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The wait before retry number `retry` (0 for the first): what the server asked for when it said, otherwise
 * exponential backoff with jitter (half to all of `baseDelayMs * 2^retry`); never more than `maxDelayMs`.
 */
export function retryDelayMs(policy: Backoff, retry: number, askedMs?: number): number {
  const backoff = policy.baseDelayMs * 2 ** retry * (0.5 + Math.random() / 2);
  return Math.min(policy.maxDelayMs, askedMs ?? backoff);
}
