import type { JWTVerifyGetKey } from 'jose';
import { ForbiddenError, UnauthorizedError, UpstreamError } from '../../platform/errors';

/** Issuers Google puts in the OIDC tokens of Pub/Sub push requests. */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export interface PubSubTokenOptions {
  /** The audience configured on the push subscription. */
  audience: string;
  /** The service account the push subscription signs as. */
  serviceAccount: string;
  /** Google's JWKS (configurable so tests serve their own keys). */
  jwksUrl: string;
  clockSkewSeconds: number;
}

/** Checks the `Authorization: Bearer` of a Pub/Sub push request; throws 401 (not a valid token) or 403 (not ours). */
export type PubSubTokenVerifier = (authorization: string | null) => Promise<void>;

/**
 * Verifies the Google-signed OIDC token Pub/Sub attaches to push requests: signature against Google's keys, issuer,
 * audience, expiry, and that it speaks for the configured service account with a verified email.
 */
export function createPubSubTokenVerifier(options: PubSubTokenOptions): PubSubTokenVerifier {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  const getKeys = () =>
    (keys ??= import('jose').then(({ createRemoteJWKSet }) =>
      createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 }),
    ));

  return async (authorization) => {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization?.trim() ?? '');
    if (!match) throw new UnauthorizedError('The push request carries no bearer token.');
    const { jwtVerify, errors } = await import('jose');
    let payload;
    try {
      ({ payload } = await jwtVerify(match[1]!, await getKeys(), {
        issuer: GOOGLE_ISSUERS,
        audience: options.audience,
        clockTolerance: options.clockSkewSeconds,
        requiredClaims: ['exp', 'iat', 'email'],
        algorithms: ['RS256'],
      }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
        throw new UpstreamError('Google keys cannot be read right now.', 503);
      if (err instanceof errors.JOSEError) throw new UnauthorizedError('The push request token is not valid.');
      throw new UpstreamError('Google keys cannot be read right now.', 503);
    }
    if (payload.email !== options.serviceAccount || payload.email_verified !== true)
      throw new ForbiddenError('The push request was not sent by the configured service account.');
  };
}
