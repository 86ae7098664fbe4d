import { z } from 'zod';

/** What the web app needs to sign in and reach the API. */
export const clientConfigResponse = z.object({
  /** OIDC issuer the web app signs in against. */
  authority: z.string().url(),
  /** Public client id of the web app. */
  clientId: z.string().min(1),
  /** Space-separated scopes the web app asks for. */
  scopes: z.string(),
  /** Where the API lives: `/api` when the web app is served from the same origin, else an absolute URL. */
  apiBase: z.string().min(1),
  /** Request header the web app puts its bearer token in (`authorization` unless a proxy overwrites that one). */
  tokenHeader: z.string().min(1),
});

export type ClientConfig = z.infer<typeof clientConfigResponse>;
