/**
 * The app's one error module. Domain code throws these; `toProblem` (http/problem.ts) turns any error into an
 * RFC 9457 problem+json response. `detail` is always safe to show to the person: never put secrets,
 * tokens, stack traces or another tenant's data in it.
 */

export const PROBLEM_BASE = 'https://personal-agents.dev/problems/';

export interface FieldError {
  /** JSON path of the field, e.g. "schedule.cron" or "body.ids[3]". */
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    /** Extra members for the problem document (e.g. `limit`, `resetsAt`). */
    readonly extensions: Record<string, unknown> = {},
    /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
  get detail(): string {
    return this.message;
  }
}

export class ValidationError extends AppError {
  constructor(
    detail: string,
    readonly errors: FieldError[],
  ) {
    super(400, 'validation', 'Your request has invalid fields', detail, { errors });
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail = 'Sign in to continue.', wwwAuthenticate = 'Bearer') {
    super(401, 'unauthorized', 'Authentication required', detail, {}, { 'WWW-Authenticate': wwwAuthenticate });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super(403, 'forbidden', 'Not allowed', detail);
  }
}

/** Missing resources and other tenants' resources look exactly the same. */
export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'not-found', 'Not found', `The ${what} does not exist.`);
  }
}

/** An operation that the resource's current state does not allow (e.g. approving an expired suggestion). */
export class ConflictError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(409, 'conflict', 'Conflict with the current state', detail, extensions);
  }
}

/** If-Match did not match the stored version. */
export class PreconditionFailedError extends AppError {
  constructor(detail = 'The resource changed since you read it. Reload and try again.') {
    super(412, 'precondition-failed', 'Version mismatch', detail);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super(413, 'payload-too-large', 'Request body too large', `The request body must be at most ${maxBytes} bytes.`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected = 'application/json') {
    super(415, 'unsupported-media-type', 'Unsupported media type', `Send the request body as ${expected}.`);
  }
}

/** A tier limit or budget is reached. `resetsAt` is when the counter starts over (ISO), if it does. */
export class LimitExceededError extends AppError {
  constructor(
    readonly limit: string,
    detail: string,
    extra: { used?: number; max?: number; resetsAt?: string } = {},
  ) {
    super(
      429,
      'limit-exceeded',
      'Limit reached',
      detail,
      { limit, ...extra },
      extra.resetsAt
        ? { 'Retry-After': String(Math.max(1, Math.ceil((Date.parse(extra.resetsAt) - Date.now()) / 1000))) }
        : {},
    );
  }
}

/** A dependency (provider, model, store) failed in a way the person can retry later. */
export class UpstreamError extends AppError {
  constructor(detail: string, status = 502) {
    super(status, 'upstream', 'A connected service failed', detail);
  }
}

/** Normalises anything thrown into an Error. */
export function ensureError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err));
}
