/** The authenticated caller of an API request. The tenant comes from the token, never from input. */
export interface Principal {
  /** Personal tenant id, derived from issuer + subject. */
  tenantId: string;
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
}

/** Validates a request's bearer token. Throws UnauthorizedError on any problem. */
export interface Authenticator {
  authenticate(authorizationHeader: string | null): Promise<Principal>;
}
