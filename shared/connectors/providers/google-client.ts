import type { Settings } from '../../platform/config';

/** Options every Google API client of a connector gets: our resilient fetch, no SDK retries, a configurable root. */
export function googleClientOptions(settings: Settings, fetchImpl: typeof fetch) {
  return {
    ...(settings.GOOGLE_API_ROOT_URL ? { rootUrl: settings.GOOGLE_API_ROOT_URL.replace(/\/?$/, '/') } : {}),
    fetchImplementation: fetchImpl,
    retry: false,
  };
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping order. Failures are returned, not thrown. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<(R | Error)[]> {
  const out: (R | Error)[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        out[i] = err instanceof Error ? err : new Error(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const clampLimit = (limit: number | undefined, fallback = 25, max = 100) =>
  Math.max(1, Math.min(max, limit ?? fallback));
