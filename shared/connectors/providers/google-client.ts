import type { Settings } from '../../platform/config';

/** Options every Google API client of a connector gets: our resilient fetch, no SDK retries, a configurable root. */
export function googleClientOptions(settings: Settings, fetchImpl: typeof fetch) {
  return {
    ...(settings.GOOGLE_API_ROOT_URL ? { rootUrl: settings.GOOGLE_API_ROOT_URL.replace(/\/?$/, '/') } : {}),
    fetchImplementation: fetchImpl,
    retry: false,
  };
}

/** The value, or the failure as an Error: for reads where one unreadable item must not fail the whole page. */
export function settled<R>(call: Promise<R>): Promise<R | Error> {
  return call.catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

export const clampLimit = (limit: number | undefined, fallback = 25, max = 100) =>
  Math.max(1, Math.min(max, limit ?? fallback));
