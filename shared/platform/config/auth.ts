import { z } from 'zod';
import { intSetting, optionalSetting } from './env';

/** Sign-in: the OIDC issuer whose bearer tokens the API accepts (Entra ID in Azure, the dev issuer locally). */
export const authSettings = z.object({
  /** e.g. https://login.microsoftonline.com/<tenant-id>/v2.0 ; locally the runtime's dev issuer. */
  AUTH_ISSUER: z.string().url().default('http://localhost:7071/dev/oidc'),
  /** Expected `aud` of access tokens (the API's application id URI or client id). */
  AUTH_AUDIENCE: z.string().min(1).default('personal-agents-api'),
  /** Override of the JWKS location; by default read from the issuer's discovery document. */
  AUTH_JWKS_URI: optionalSetting(),
  AUTH_CLOCK_SKEW_SECONDS: intSetting(60),
  /** Least seconds between two JWKS downloads (an unknown `kid` triggers one). */
  AUTH_JWKS_COOLDOWN_SECONDS: intSetting(30),
  /** Public client id the SPA signs in with. */
  AUTH_SPA_CLIENT_ID: z.string().min(1).default('personal-agents-web'),
  /**
   * Client ids (`azp`/`appid` of access tokens) the API accepts, comma-separated: the web app's. Tokens another
   * application obtained for this API, and app-only tokens, are refused.
   */
  AUTH_ALLOWED_CLIENT_IDS: z
    .string()
    .default('personal-agents-web')
    .transform((v) =>
      v
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  /** Delegated scope every access token must carry in `scp` (Entra: the API's exposed scope). */
  AUTH_REQUIRED_SCOPE: z.string().min(1).default('access_as_user'),
  /**
   * Request header that carries the person's bearer token. `authorization` by default; behind Azure Static Web Apps
   * (which overwrites Authorization on requests it proxies to a linked backend) the web app sends it in
   * `x-client-authorization` instead.
   */
  AUTH_TOKEN_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'a header name')
    .default('authorization')
    .transform((v) => v.toLowerCase()),
  /** Scope the SPA asks for to call the API. */
  AUTH_API_SCOPE: z.string().default('openid profile email offline_access access_as_user'),
});
