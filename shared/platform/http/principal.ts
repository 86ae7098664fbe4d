import type { ApiScope } from './scopes';

/** The personal access token a request was made with (absent when the person signed in themselves). */
export interface AccessTokenUse {
  id: string;
  name: string;
  scopes: ApiScope[];
}

/** The authenticated caller of an API request. The tenant comes from the token, never from input. */
export interface Principal {
  /** Personal tenant id, derived from issuer + subject. */
  tenantId: string;
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
  /** Set when the request carried one of the person's access tokens instead of their sign-in. */
  token?: AccessTokenUse;
}

/** Validates a request's bearer token. Throws UnauthorizedError on any problem. */
export interface Authenticator {
  authenticate(authorizationHeader: string | null): Promise<Principal>;
}
