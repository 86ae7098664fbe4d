import type { OAuthProviderConfig } from './provider-configs';

/** Tokens as a vendor's token endpoint returned them, normalised. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Absolute expiry (ms since epoch); undefined when the token does not expire (Notion). */
  expiresAt?: number;
  /** Granted scopes, when the vendor says. */
  scopes?: string[];
  idToken?: string;
  /** Vendor extras we keep (Notion workspace). Never includes secrets. */
  extra: Record<string, unknown>;
}

/** The token endpoint refused the grant: the person must sign in again (or revoked access). */
export class GrantRejectedError extends Error {
  constructor(
    readonly code: string,
    readonly revoked: boolean,
  ) {
    super(`The provider refused the grant (${code}).`);
  }
}

/** The token endpoint failed in a way that may pass (network, 5xx, 429). */
export class TokenEndpointError extends Error {}

async function postToken(
  config: OAuthProviderConfig,
  params: Record<string, string>,
  fetchImpl: typeof fetch,
  now: number,
): Promise<TokenSet> {
  if (!config.clientId || !config.clientSecret) throw new TokenEndpointError(`${config.provider} is not configured.`);
  let response: Response;
  try {
    if (config.tokenAuth === 'basic-json') {
      const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64');
      response = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(15_000),
      });
    } else {
      const body = new URLSearchParams({ ...params, client_id: config.clientId, client_secret: config.clientSecret });
      response = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    }
  } catch {
    throw new TokenEndpointError(`Could not reach ${config.provider}.`);
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await response.json()) as Record<string, unknown>;
  } catch {
    // Non-JSON answer: handled below by status.
  }
  if (!response.ok) {
    const code = typeof json.error === 'string' ? json.error : `http_${response.status}`;
    const description = typeof json.error_description === 'string' ? json.error_description : '';
    if (response.status === 400 || response.status === 401) {
      throw new GrantRejectedError(code, /revok/i.test(description));
    }
    throw new TokenEndpointError(`${config.provider} token endpoint answered ${response.status}.`);
  }
  if (typeof json.access_token !== 'string' || !json.access_token)
    throw new TokenEndpointError(`${config.provider} returned no access token.`);
  const expiresIn = Number(json.expires_in);
  const { access_token, refresh_token, id_token, expires_in: _e, scope, token_type: _t, ...rest } = json;
  const extra: Record<string, unknown> = {};
  for (const key of ['workspace_id', 'workspace_name', 'bot_id', 'owner']) if (key in rest) extra[key] = rest[key];
  return {
    accessToken: access_token as string,
    refreshToken: typeof refresh_token === 'string' && refresh_token ? refresh_token : undefined,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? now + expiresIn * 1000 : undefined,
    scopes: typeof scope === 'string' ? scope.split(/[\s,]+/).filter(Boolean) : undefined,
    idToken: typeof id_token === 'string' ? id_token : undefined,
    extra,
  };
}

/** Token endpoint calls for one vendor. */
export interface OAuthClient {
  /** Trades an authorization code (with its PKCE verifier) for tokens. */
  exchangeCode(config: OAuthProviderConfig, code: string, redirectUri: string, codeVerifier: string): Promise<TokenSet>;
  /** Renews the access token with the refresh token. */
  refresh(config: OAuthProviderConfig, refreshToken: string, scopes: string[]): Promise<TokenSet>;
  /** Best effort: true when the vendor confirmed. Vendors without a revocation endpoint return false. */
  revoke(config: OAuthProviderConfig, token: string): Promise<boolean>;
}

export interface OAuthClientDeps {
  /** Injected for tests; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for token expiry; `Date.now` by default. */
  now?: () => number;
}

export function createOAuthClient(deps: OAuthClientDeps = {}): OAuthClient {
  const fetchImpl = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;
  return {
    exchangeCode(config, code, redirectUri, codeVerifier) {
      return postToken(
        config,
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier },
        fetchImpl,
        now(),
      );
    },

    refresh(config, refreshToken, scopes) {
      const params: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
      if (config.provider === 'microsoft') params.scope = scopes.join(' ');
      return postToken(config, params, fetchImpl, now());
    },

    async revoke(config, token) {
      if (!config.revokeUrl) return false;
      try {
        const response =
          config.tokenAuth === 'basic-json'
            ? await fetchImpl(config.revokeUrl, {
                method: 'POST',
                headers: {
                  authorization: `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`,
                  'content-type': 'application/json',
                },
                body: JSON.stringify({ token }),
                signal: AbortSignal.timeout(10_000),
              })
            : await fetchImpl(config.revokeUrl, {
                method: 'POST',
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ token, ...(config.clientId ? { client_id: config.clientId } : {}) }),
                signal: AbortSignal.timeout(10_000),
              });
        // 400 "invalid_token" means it is already gone: that is what we wanted.
        return response.ok || response.status === 400;
      } catch {
        return false;
      }
    },
  };
}
