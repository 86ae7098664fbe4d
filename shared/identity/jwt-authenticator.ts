import { createHash } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { UnauthorizedError, UpstreamError } from '../platform/errors';
import type { Authenticator, Principal } from '../platform/http/principal';

export interface JwtAuthenticatorOptions {
  issuer: string;
  audience: string;
  /** When unset, read from `<issuer>/.well-known/openid-configuration`. */
  jwksUri?: string;
  clockSkewSeconds: number;
  /** Least time between two JWKS downloads; a token with an unknown `kid` triggers one after this. */
  jwksCooldownSeconds?: number;
}

/** The personal tenant id: stable per (issuer, subject), opaque, and not guessable from an email address. */
export function tenantIdFor(issuer: string, subject: string): string {
  return 't-' + createHash('sha256').update(`${issuer}\n${subject}`).digest('base64url').slice(0, 26);
}

const challenge = (error: string, description: string) =>
  `Bearer error="${error}", error_description="${description.replace(/"/g, "'")}"`;

/**
 * Validates OIDC bearer JWTs with `jose`: signature against the issuer's JWKS (cached, refetched on an unknown
 * `kid`), issuer, audience, expiry and not-before with clock skew.
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
        const principal: Principal = {
          tenantId: tenantIdFor(payload.iss!, payload.sub!),
          issuer: payload.iss!,
          subject: payload.sub!,
          email:
            typeof payload.email === 'string'
              ? payload.email
              : typeof payload.preferred_username === 'string'
                ? payload.preferred_username
                : undefined,
          name: typeof payload.name === 'string' ? payload.name : undefined,
        };
        return principal;
      } catch (err) {
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
