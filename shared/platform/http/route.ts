import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import { type z } from 'zod';
import { describeFieldErrors, fieldErrorsOf, ValidationError, type AppError, type FieldError } from '../errors';
import { createLogger, type Logger } from '../logging';
import { withCorrelation } from '../telemetry';
import { renderPage, escapeHtml } from './html';
import type { Principal } from './principal';
import { registerOperation } from './openapi-registry';
import { problemResponse, toProblem } from './problem';
import { ifMatchOf, readBody } from './request-input';
import { clientAddress, type RateLimiter } from './rate-limit';
import { toHttpResponse, type RouteResult } from './responses';
import { InsufficientScopeError, SignInRequiredError, type ApiScope } from './scopes';
import { actAsToken } from '../audit/acting-token';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext<B, Q, P, A extends 'user' | 'none', S> {
  request: HttpRequest;
  invocation: InvocationContext;
  correlationId: string;
  /** Logs with the correlation id on every line (and no secrets). */
  log: Logger;
  /** The caller; present on every `auth: 'user'` route. */
  principal: A extends 'user' ? Principal : undefined;
  body: B;
  query: Q;
  params: P;
  /**
   * The If-Match header of a state-changing request, when it names versions; undefined when absent or `*` (RFC 9110:
   * `*` matches any current representation, so only the resource's existence is required).
   */
  ifMatch: string | undefined;
  /** The app's services, as the composition root hands them to routes. */
  services: S;
  /** The Durable client; only on routes declared with `durable: true`. */
  durableClient(): df.DurableClient;
}

export interface RouteSpec<B, Q, P, A extends 'user' | 'none', S> {
  /** Function name; unique in the app. */
  name: string;
  method: Method;
  /** Route template below the `/api` prefix, e.g. "agents/{agentId}". */
  route: string;
  summary: string;
  tags: string[];
  /** `user` (default) needs a bearer token; `none` is for health, docs, OAuth callbacks and email-link pages. */
  auth?: A;
  /**
   * The scope a personal access token needs for this route. Without one, the route takes only the person's own
   * sign-in (token management, account deletion, export, connecting accounts): tokens are refused with 403.
   */
  scope?: ApiScope;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  bodyFormat?: 'json' | 'form';
  /** Schema of a JSON success body; checked in local mode so the OpenAPI document never drifts. */
  response?: z.ZodType;
  successStatus?: number;
  /** Errors on HTML routes are shown as a plain page instead of problem+json. */
  errorFormat?: 'problem' | 'html';
  produces?: string;
  /** Adds the Durable client input binding (start, query, signal orchestrations). */
  durable?: boolean;
  /**
   * Counts requests against the caller's rate limit (default): the tenant's bucket on `auth: 'user'` routes, the client
   * address's on `auth: 'none'` routes. `false` only for the health probe.
   */
  rateLimited?: boolean;
  handler(ctx: RouteContext<B, Q, P, A, S>): Promise<RouteResult>;
}

const BODY_METHODS = new Set<Method>(['POST', 'PUT', 'PATCH']);

/** Parses one part of the request; its field errors are added to `errors` (reported together, all parts at once). */
function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, prefix: string, errors: FieldError[]): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    errors.push(...fieldErrorsOf(result.error, prefix));
    return undefined as T;
  }
  return result.data;
}

function throwIfInvalid(errors: FieldError[]): void {
  if (errors.length) throw new ValidationError(describeFieldErrors(errors), errors, 'request');
}

function queryObject(request: HttpRequest): Record<string, string> {
  const out: Record<string, string> = {};
  request.query.forEach((value, key) => {
    if (!(key in out)) out[key] = value;
  });
  return out;
}

/** Builds an `x-correlation-id`: the client's (if sane) or a new one. */
function correlationIdOf(request: HttpRequest): string {
  const sent = request.headers.get('x-correlation-id');
  return sent && /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID();
}

function htmlError(err: unknown, correlationId: string): HttpResponseInit {
  const { problem, headers } = toProblem(err, correlationId);
  const page = renderPage(problem.title, `<h1>${escapeHtml(problem.title)}</h1><p>${escapeHtml(problem.detail)}</p>`);
  return {
    status: problem.status,
    headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'x-correlation-id': correlationId },
    body: page,
  };
}

/** Adds `extra` below the response's own headers (which win). */
function withHeaders(response: HttpResponseInit, extra: Record<string, string>): HttpResponseInit {
  return { ...response, headers: { ...extra, ...(response.headers as Record<string, string>) } };
}

/** What routes need from the app; the composition root provides it (see `createHttpRoute`). */
export interface RouteHost<S> {
  /** Handed to every handler as `ctx.services`. */
  services: S;
  /** The caller of a request's bearer token; throws UnauthorizedError on any problem. */
  authenticate(request: HttpRequest): Promise<Principal>;
  /** Larger bodies are refused with 413. */
  maxBodyBytes: number;
  /** Check success bodies against the route's `response` schema (local mode), so the OpenAPI document never drifts. */
  checkResponses: boolean;
  /** The API's rate limits; absent when they are turned off. */
  rateLimiter: RateLimiter | undefined;
}

/** The `httpRoute` function of an app whose routes get `S` as their services. */
export type HttpRoute<S> = <B = undefined, Q = undefined, P = undefined, A extends 'user' | 'none' = 'user'>(
  spec: RouteSpec<B, Q, P, A, S>,
) => (request: HttpRequest, invocation: InvocationContext) => Promise<HttpResponseInit>;

/**
 * Builds the app's `httpRoute`. `host` is called on each request (not at registration), so the composition root
 * builds its services on first use.
 */
export function createHttpRoute<S>(host: () => RouteHost<S>): HttpRoute<S> {
  return (spec) => registerRoute(spec, host);
}

/**
 * Registers an HTTP function with the app's conventions: bearer auth, zod-validated params/query/body with field paths,
 * body size and media type checks, correlation ids, problem+json errors, and an OpenAPI entry.
 * Returns the handler so tests can call it directly.
 */
function registerRoute<B, Q, P, A extends 'user' | 'none', S>(
  spec: RouteSpec<B, Q, P, A, S>,
  host: () => RouteHost<S>,
): (request: HttpRequest, invocation: InvocationContext) => Promise<HttpResponseInit> {
  const auth = (spec.auth ?? 'user') as A;
  const rateLimited = spec.rateLimited ?? true;
  const bodyFormat = spec.bodyFormat ?? 'json';
  registerOperation({
    name: spec.name,
    method: spec.method,
    route: spec.route,
    summary: spec.summary,
    tags: spec.tags,
    auth,
    scope: spec.scope,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    bodyFormat,
    response: spec.response,
    successStatus: spec.successStatus ?? 200,
    produces: spec.produces,
  });

  const handler = async (request: HttpRequest, invocation: InvocationContext): Promise<HttpResponseInit> => {
    const correlationId = correlationIdOf(request);
    const log = createLogger(invocation, correlationId);
    return withCorrelation(correlationId, async () => {
      // The caller's rate limit state, sent on every answer once known.
      let limitHeaders: Record<string, string> = {};
      try {
        const { services, authenticate, maxBodyBytes, checkResponses, rateLimiter } = host();
        if (rateLimiter && rateLimited && auth === 'none')
          limitHeaders = rateLimiter.takeForAddress(clientAddress(request));
        const principal = auth === 'user' ? await authenticate(request) : undefined;
        if (principal?.token) {
          if (!spec.scope) throw new SignInRequiredError();
          if (!principal.token.scopes.includes(spec.scope)) throw new InsufficientScopeError(spec.scope);
        }
        if (rateLimiter && rateLimited && principal)
          limitHeaders = principal.token
            ? await rateLimiter.takeForToken(principal.tenantId, principal.token.id)
            : await rateLimiter.takeForTenant(principal.tenantId);
        const errors: FieldError[] = [];
        const params = parsePart(spec.params, request.params, 'params', errors);
        const query = parsePart(spec.query, queryObject(request), 'query', errors);
        const rawBody =
          spec.body && BODY_METHODS.has(spec.method) ? await readBody(request, bodyFormat, maxBodyBytes) : undefined;
        const body = parsePart(spec.body, rawBody, 'body', errors);
        throwIfInvalid(errors);
        const ifMatch = ifMatchOf(request, spec.method);
        const context: RouteContext<B, Q, P, A, S> = {
          request,
          invocation,
          correlationId,
          log,
          principal: principal as RouteContext<B, Q, P, A, S>['principal'],
          body,
          query,
          params,
          ifMatch,
          services,
          durableClient: () => {
            if (!spec.durable) throw new Error(`route ${spec.name} is not declared with durable: true`);
            return df.getClient(invocation);
          },
        };
        const token = principal?.token;
        const result = token
          ? await actAsToken({ id: token.id, name: token.name }, () => spec.handler(context))
          : await spec.handler(context);
        if (spec.response && checkResponses && result.body !== undefined && result.status < 300) {
          const check = spec.response.safeParse(result.body);
          if (!check.success) {
            log.error(`response of ${spec.name} does not match its schema`, undefined, { issues: check.error.issues });
            throw new Error(`response of ${spec.name} does not match its schema`);
          }
        }
        return withHeaders(toHttpResponse(result, correlationId), limitHeaders);
      } catch (thrown) {
        // Domain code names fields relative to the body it was given; the request names them from its parts.
        const err = thrown instanceof ValidationError ? thrown.inRequest('body') : thrown;
        const status = (err as AppError).status;
        if (typeof status !== 'number' || status >= 500) {
          log.error(`${spec.name} failed`, err);
        }
        const response =
          spec.errorFormat === 'html' ? htmlError(err, correlationId) : problemResponse(err, correlationId);
        return withHeaders(response, limitHeaders);
      }
    });
  };

  app.http(spec.name, {
    methods: [spec.method],
    route: spec.route,
    authLevel: 'anonymous',
    handler,
    ...(spec.durable ? { extraInputs: [df.input.durableClient()] } : {}),
  });
  return handler;
}
