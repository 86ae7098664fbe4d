/**
 * The app's one error module. Domain code throws these; `toProblem` (http/problem.ts) turns any error into an
 * RFC 9457 problem+json response. `detail` is always safe to show to the person: never put secrets,
 * tokens, stack traces or another tenant's data in it.
 */

import type { z } from 'zod';
import { plainIssue } from './validation-words';

export const PROBLEM_BASE = 'https://personal-agents.dev/problems/';

export interface FieldError {
  /**
   * Path of the field: keys joined with ".", array positions as "[n]", e.g. "schedule.cron" or "ids[3]". Domain code
   * names fields relative to the input it was given; the HTTP layer prefixes the request part ("body.ids[3]").
   */
  path: string;
  message: string;
}

/** Joins path segments in the one format of field paths: `a.b[2].c`. */
export function fieldPath(...segments: PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += (out ? '.' : '') + String(segment);
  }
  return out;
}

/** A zod error as field errors, each path below `base` (e.g. `fieldErrorsOf(err, 'config')` → "config.tone"). */
export function fieldErrorsOf(error: z.ZodError, ...base: PropertyKey[]): FieldError[] {
  return error.issues.map((issue) => ({ path: fieldPath(...base, ...issue.path), message: plainIssue(issue) }));
}

/** "path: message; path: message", the usual detail of a validation error. */
export const describeFieldErrors = (errors: FieldError[]): string =>
  errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');

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
  /**
   * @param scope `input` (domain code): paths are relative to the input the thrower was given, which over HTTP is the
   *   request body, so the HTTP layer adds "body."; `request`: paths already name the request part ("query.from").
   */
  constructor(
    detail: string,
    readonly errors: FieldError[],
    readonly scope: 'input' | 'request' = 'input',
  ) {
    super(400, 'validation', 'Your request has invalid fields', detail, { errors });
  }

  /** This error as the HTTP layer reports it: every input path below the request `part` ("config" → "body.config"). */
  inRequest(part: 'params' | 'query' | 'body'): ValidationError {
    if (this.scope === 'request') return this;
    const below = (path: string) => (!path ? part : path.startsWith('[') ? part + path : `${part}.${path}`);
    const errors = this.errors.map((e) => ({ ...e, path: below(e.path) }));
    return new ValidationError(this.detail, errors, 'request');
  }

  /** From a zod error: the fields under `base`, the detail listing them (after `intro`, when given). */
  static fromZod(error: z.ZodError, base: PropertyKey[] = [], intro?: string): ValidationError {
    const errors = fieldErrorsOf(error, ...base);
    return new ValidationError(
      intro ? `${intro}: ${describeFieldErrors(errors)}` : describeFieldErrors(errors),
      errors,
    );
  }
}

/** A list cursor that is not one we issued for this list and this person (changed, foreign or from an old key). */
export class InvalidCursorError extends AppError {
  constructor() {
    super(
      400,
      'invalid-cursor',
      'The list cursor is not valid',
      'The cursor is not valid for this list. Start again from the first page.',
      {
        errors: [{ path: 'query.cursor', message: 'not a cursor of this list' }],
      },
    );
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

/** Something that existed and is no longer there (e.g. a message since deleted from the mailbox it was read in). */
export class GoneError extends AppError {
  constructor(detail: string) {
    super(410, 'gone', 'No longer there', detail);
  }
}

/** An operation that the resource's current state does not allow (e.g. approving an expired suggestion). */
export class ConflictError extends AppError {
  constructor(detail: string, extensions: Record<string, unknown> = {}) {
    super(409, 'conflict', 'Conflict with the current state', detail, extensions);
  }
}

/**
 * A provider no longer accepts a change position we kept (an expired Gmail history id, an invalid delta token): the
 * reader falls back to its full window once and starts a new position.
 */
export class PositionExpiredError extends AppError {
  constructor(detail = 'The account no longer accepts the saved change position.') {
    super(410, 'position-expired', 'Change position expired', detail);
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

/** A body sent without a length that the platform does not hand to the app (chunked, no Content-Length). */
export class LengthRequiredError extends AppError {
  constructor() {
    super(
      411,
      'length-required',
      'Length required',
      'Send the request body with a Content-Length header; a chunked body without one is not read.',
    );
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
    /** `needed`/`available`: how many a request adds at once and how many more fit (a pack's agents). */
    extra: { used?: number; max?: number; resetsAt?: string; needed?: number; available?: number } = {},
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

/**
 * Too many requests in a short time (the API's rate limit, not a plan limit). `headers` carry `Retry-After` and the
 * `RateLimit-Policy` / `RateLimit` fields.
 */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number, headers: Record<string, string>) {
    super(
      429,
      'rate-limited',
      'Too many requests',
      `Too many requests in a short time. Try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
      { ...headers, 'Retry-After': String(retryAfterSeconds) },
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
