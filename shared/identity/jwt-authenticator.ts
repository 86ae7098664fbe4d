import { createHash } from 'node:crypto';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { AppError, UnauthorizedError, UpstreamError } from '../platform/errors';
import type { Authenticator, Principal } from '../platform/http/principal';

export interface JwtAuthenticatorOptions {
  issuer: string;
  audience: string;
  /** When unset, read from `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
  clockSkewSeconds: number;
  /** Least time between two JWKS downloads; a token with an unknown `kid` triggers one after this. */
  jwksCooldownSeconds?: number;
  /** Delegated scope every token must carry in `scp` (space-separated), e.g. `access_as_user`. */
  requiredScope: string;
  /** Client ids (`azp`, or `appid` in v1 tokens) whose tokens are accepted: the web app, nothing else. */
  allowedClientIds: string[];
}

/** The personal tenant id: stable per (issuer, subject), opaque, and not guessable from an email address. */
export function tenantIdFor(issuer: string, subject: string): string {
  return 't-' + createHash('sha256').update(`${issuer}\n${subject}`).digest('base64url').slice(0, 26);
}

const challenge = (error: string, description: string) =>
  `Bearer error="${error}", error_description="${description.replace(/"/g, "'")}"`;

/**
 * The notification address: only an `email` the issuer says it verified (`email_verified`, or Entra's `xms_edov`,
 * "email domain owner verified"). `preferred_username` and unverified emails are typed by whoever made the account.
 */
function verifiedEmail(payload: JWTPayload): string | undefined {
  if (typeof payload.email !== 'string') return undefined;
  return payload.email_verified === true || payload.xms_edov === true ? payload.email : undefined;
}

/**
 * Refuses tokens that were not issued to a person through our web app: app-only tokens (client credentials: no
 * `scp`, `roles` or `idtyp: app`), tokens for other clients, tokens without the API's delegated scope.
 */
function checkDelegation(payload: JWTPayload, options: JwtAuthenticatorOptions): void {
  const scp = typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [];
  if (payload.idtyp === 'app' || scp.length === 0) {
    throw new UnauthorizedError(
      'The access token was not issued to a person: app-only tokens are not accepted.',
      challenge('invalid_token', 'app-only token'),
    );
  }
  const client = [payload.azp, payload.appid, payload.client_id].find((c): c is string => typeof c === 'string');
  if (!client || !options.allowedClientIds.includes(client)) {
    throw new UnauthorizedError(
      'The access token was issued to an application this API does not accept.',
      challenge('invalid_token', 'client not allowed'),
    );
  }
  if (!scp.includes(options.requiredScope)) {
    throw new AppError(
      403,
      'forbidden',
      'Not allowed',
      `The access token does not carry the "${options.requiredScope}" permission. Sign in through the web app again.`,
      {},
      { 'WWW-Authenticate': challenge('insufficient_scope', `scope ${options.requiredScope} required`) },
    );
  }
}

/**
 * Validates OIDC bearer JWTs with `jose`: signature against the issuer's JWKS (cached, refetched on an unknown
 * `kid`), issuer, audience, expiry and not-before with clock skew; then that it is a person's delegated token for
 * an allow-listed client with the API's scope.
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  let keys: Promise<JWTVerifyGetKey> | undefined;

  const getKeys = () =>
    (keys ??= (async () => {
      const { createRemoteJWKSet } = await import('jose');
      let jwksUri = options.jwksUri;
      if (!jwksUri) {
        const discovery = `${options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
        const response = await fetch(discovery).catch(() => undefined);
        if (!response?.ok)
          throw new UpstreamError('The sign-in service cannot be reached right now. Try again shortly.', 503);
        jwksUri = ((await response.json()) as { jwks_uri?: string }).jwks_uri;
        if (!jwksUri) throw new Error('OIDC discovery document has no jwks_uri');
      }
      return createRemoteJWKSet(new URL(jwksUri), {
        cooldownDuration: (options.jwksCooldownSeconds ?? 30) * 1000,
        cacheMaxAge: 10 * 60_000,
      });
    })().catch((err) => {
      keys = undefined;
      throw err;
    }));

  return {
    async authenticate(header) {
      if (!header) throw new UnauthorizedError('Sign in to continue: the request has no bearer token.');
      const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
      if (!match) {
        throw new UnauthorizedError(
          'The Authorization header must be "Bearer <token>".',
          challenge('invalid_request', 'malformed Authorization header'),
        );
      }
      const { jwtVerify, errors } = await import('jose');
      try {
        const { payload } = await jwtVerify(match[1]!, await getKeys(), {
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockSkewSeconds,
          requiredClaims: ['sub', 'exp'],
        });
        checkDelegation(payload, options);
        const principal: Principal = {
          tenantId: tenantIdFor(payload.iss!, payload.sub!),
          issuer: payload.iss!,
          subject: payload.sub!,
          email: verifiedEmail(payload),
          name: typeof payload.name === 'string' ? payload.name : undefined,
        };
        return principal;
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof errors.JWTExpired)
          throw new UnauthorizedError(
            'Your session has expired. Sign in again.',
            challenge('invalid_token', 'token expired'),
          );
        if (err instanceof errors.JWTClaimValidationFailed) {
          const reason = err.claim === 'nbf' ? 'token not yet valid' : `${err.claim} claim invalid`;
          throw new UnauthorizedError(`The access token is not valid: ${reason}.`, challenge('invalid_token', reason));
        }
        if (err instanceof errors.JWKSNoMatchingKey)
          throw new UnauthorizedError(
            'The access token is signed with an unknown key.',
            challenge('invalid_token', 'unknown signing key'),
          );
        if (err instanceof errors.JWSSignatureVerificationFailed)
          throw new UnauthorizedError(
            'The access token signature is not valid.',
            challenge('invalid_token', 'signature invalid'),
          );
        if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
          throw new UpstreamError('The sign-in service cannot be reached right now. Try again shortly.', 503);
        }
        if (err instanceof errors.JOSEError)
          throw new UnauthorizedError('The access token is not valid.', challenge('invalid_token', 'malformed token'));
        if (err instanceof UpstreamError) throw err;
        // The JWKS download failed (network): the token may be fine, our issuer is unreachable.
        throw new UpstreamError('The sign-in service cannot be reached right now. Try again shortly.', 503);
      }
    },
  };
}
