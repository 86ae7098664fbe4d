import { AppError, ForbiddenError, NotFoundError, UpstreamError } from '../platform/errors';

/** The HTTP status a vendor SDK error carries, whatever its shape (gaxios, Graph, Notion, fetch). */
export function vendorStatus(err: unknown): number | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; code?: unknown; response?: { status?: unknown } };
  for (const v of [e?.status, e?.statusCode, e?.response?.status, e?.code]) {
    if (typeof v === 'number' && v >= 100 && v < 600) return v;
    if (typeof v === 'string' && /^\d{3}$/.test(v)) return Number(v);
  }
  return undefined;
}

/** Maps any vendor error to one with a safe message; vendor text and URLs never reach the person. */
/** An error of ours (e.g. "reconnect" from the token step) that an SDK wrapped on its way out. */
function ownError(err: unknown, depth = 0): AppError | undefined {
  if (err instanceof AppError) return err;
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as { cause?: unknown; originalError?: unknown; error?: unknown };
  for (const inner of [e.cause, e.originalError, e.error]) {
    const found = ownError(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function toSafeError(err: unknown, label: string, what = 'item'): Error {
  const own = ownError(err);
  if (own) return own;
  const status = vendorStatus(err);
  if (status === 404 || status === 410) return new NotFoundError(what);
  if (status === 401) return new UpstreamError(`${label} refused access. Reconnect the account.`, 502);
  if (status === 403)
    return new ForbiddenError(
      `${label} did not allow this. The connection may lack a permission: reconnect it to grant access.`,
    );
  if (status === 429)
    return new UpstreamError(`${label} is limiting requests right now. Try again in a few minutes.`, 503);
  if (status !== undefined && status >= 400 && status < 500)
    return new UpstreamError(`${label} rejected the request.`, 502);
  return new UpstreamError(`${label} is not answering right now. Try again in a moment.`, 502);
}

/**
 * Wraps every method of a provider so errors leave as safe ones. Applied once, by the hub, to every provider.
 */
export function withSafeErrors<T extends object>(
  provider: T,
  label: string,
  tokenFailure: () => AppError | undefined = () => undefined,
): T {
  return new Proxy(provider, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (err) {
          // Some SDKs replace errors thrown by their transport with their own: the token step's error wins.
          throw tokenFailure() ?? toSafeError(err, label);
        }
      };
    },
  });
}

/**
 * Remembers why the last token request of one provider failed (e.g. "reconnect"), so that error reaches the caller
 * even through an SDK that wraps transport errors. Cleared by the next successful token request.
 */
export function trackTokenFailures(token: (opts: { force: boolean }) => Promise<string>) {
  let failure: AppError | undefined;
  return {
    token: async (opts: { force: boolean }) => {
      try {
        const value = await token(opts);
        failure = undefined;
        return value;
      } catch (err) {
        if (err instanceof AppError) failure = err;
        throw err;
      }
    },
    failure: () => failure,
  };
}
