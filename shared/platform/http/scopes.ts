import { z } from 'zod';
import { AppError } from '../errors';

/** What a personal access token may be allowed to do; each route that accepts tokens names one in its spec. */
export const API_SCOPES = [
  'agents:read',
  'agents:write',
  'runs:read',
  'runs:write',
  'suggestions:read',
  'suggestions:decide',
  'connectors:read',
  'usage:read',
  'audit:read',
  'dashboard:read',
] as const;

export type ApiScope = (typeof API_SCOPES)[number];
export const apiScopeSchema = z.enum(API_SCOPES);

/** 403 for a token without the scope a route needs (RFC 6750 `insufficient_scope`). */
export class InsufficientScopeError extends AppError {
  constructor(scope: ApiScope) {
    super(
      403,
      'insufficient-scope',
      'The token lacks a scope',
      `This request needs the "${scope}" scope, which the access token was not given.`,
      { scope },
      { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
    );
  }
}

/** 403 for a token on a route only the person's own sign-in may use (token management, deletion, export, connect). */
export class SignInRequiredError extends AppError {
  constructor() {
    super(
      403,
      'sign-in-required',
      'This needs your own sign-in',
      'Personal access tokens cannot do this: sign in to the web app to manage tokens, connect accounts, export or delete your data.',
      {},
      { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' },
    );
  }
}
