/**
 * A development OpenID Connect issuer, served by the local runtime only (it is not a function of the app and never
 * exists in Azure). Issuer: `<origin>/dev/oidc`.
 *
 *   GET  /dev/oidc/.well-known/openid-configuration   discovery document
 *   GET  /dev/oidc/jwks                               signing keys (RS256; the key is kept in <data>/dev-oidc/)
 *   GET  /dev/oidc/authorize                          sign-in page (Email, Name) for the authorization code + PKCE flow
 *   POST /dev/oidc/token                              authorization_code (PKCE S256 required) and refresh_token grants
 *   GET  /dev/oidc/userinfo                           claims of a bearer access token
 *   GET  /dev/oidc/logout                             end of session (redirects to post_logout_redirect_uri)
 *   POST /dev/token  {email, name?, expiresInSeconds?, audience?, notBefore?, scope?, clientId?}  tokens for scripts
 *                    and tests; needs the header `x-dev-token-secret` with the secret this start generated (printed
 *                    in the start-up summary, kept in <data>/dev-oidc/token-secret), so no other page or process on
 *                    this machine can mint tokens
 *
 * Access tokens: iss = issuer, aud = AUTH_AUDIENCE, sub = stable per email, email (verified), name, azp = the client,
 * scp = the API scopes asked for (`api://…/` prefixes dropped, as Entra does). Anyone can sign in as anyone on the
 * sign-in page: it exists to develop and test, never to protect anything.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { isLoopback } from '../host/ports';
import type { EmbeddedServiceFactory } from './types';

const CODE_TTL_MS = 2 * 60_000;
const DEFAULT_TTL_SECONDS = 3600;
const REFRESH_TTL_SECONDS = 30 * 24 * 3600;
const MAX_FORM_BYTES = 64 * 1024;

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  scope: string;
  email: string;
  name: string;
  expiresAt: number;
}

class OidcError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function loadKey(dir: string): KeyObject {
  const file = join(dir, 'signing-key.pem');
  if (existsSync(file)) return createPrivateKey(readFileSync(file, 'utf8'));
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return privateKey;
}

/** The stable subject of an email address at this issuer. */
function subjectFor(email: string): string {
  return 'dev-' + createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
 body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
 label{display:block;margin-top:1rem;font-weight:600} input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box;border:1px solid #555;border-radius:4px}
 button{margin-top:1.5rem;padding:.6rem 1.4rem;font-size:1rem;background:#0b57d0;color:#fff;border:0;border-radius:4px;cursor:pointer}
 button:focus,input:focus{outline:3px solid #f5a623;outline-offset:2px} .error{color:#b00020;font-weight:600} .note{color:#444;font-size:.9rem}
</style></head><body><main>${body}</main></body></html>`;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
    ...extra,
  });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new OidcError(413, 'invalid_request', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readParams(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await readText(req);
  if (type === 'application/json') {
    try {
      const body = JSON.parse(text || '{}') as Record<string, unknown>;
      return new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      throw new OidcError(400, 'invalid_request', 'The body is not valid JSON.');
    }
  }
  return new URLSearchParams(text);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
/** The header scripts send the token secret in. */
const DEV_TOKEN_SECRET_HEADER = 'x-dev-token-secret';

/** The API scopes of a requested scope list, as they appear in an access token's `scp`. */
function apiScopes(scope: string): string {
  return scope
    .split(' ')
    .filter((s) => s && !OIDC_SCOPES.has(s))
    .map((s) => s.replace(/^api:\/\/[^/]+\//, ''))
    .join(' ');
}

/** A fresh secret at every start, written where scripts of this machine's user can read it. */
function newTokenSecret(dir: string): string {
  const secret = b64url(randomBytes(24));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token-secret'), secret, { mode: 0o600 });
  return secret;
}

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const createDevOidcService: EmbeddedServiceFactory = async (ctx) => {
  const configured = ctx.settings.AUTH_ISSUER;
  if (configured && !isLoopback(configured)) {
    ctx.log(`Sign-in: tokens come from ${configured} (no dev issuer).`);
    return undefined;
  }
  const issuer = `${ctx.publicOrigin}/dev/oidc`;
  const audience = ctx.settings.AUTH_AUDIENCE || 'personal-agents-api';
  const privateKey = loadKey(join(ctx.dataDir, 'dev-oidc'));
  const tokenSecret = newTokenSecret(join(ctx.dataDir, 'dev-oidc'));
  const requiredScope = ctx.settings.AUTH_REQUIRED_SCOPE || 'access_as_user';
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = createHash('sha256').update(`${jwk.n}.${jwk.e}`).digest('base64url').slice(0, 16);
  const codes = new Map<string, PendingCode>();

  function signJwt(claims: Record<string, unknown>): string {
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const payload = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  function verifyJwt(token: string): Record<string, unknown> {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) throw new OidcError(401, 'invalid_token', 'The token is malformed.');
    if (!verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))) {
      throw new OidcError(401, 'invalid_token', 'The token signature is not valid.');
    }
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (claims.iss !== issuer) throw new OidcError(401, 'invalid_token', 'The token is from another issuer.');
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
      throw new OidcError(401, 'invalid_token', 'The token has expired.');
    return claims;
  }

  interface IssueOptions {
    email: string;
    name?: string;
    clientId?: string;
    nonce?: string;
    scope?: string;
    expiresInSeconds?: number;
    audience?: string;
    notBefore?: number;
    withRefresh?: boolean;
    /** When the person signed in; a refresh keeps the original (OIDC requires it unchanged). */
    authTime?: number;
  }

  function issueTokens(o: IssueOptions) {
    const now = Math.floor(Date.now() / 1000);
    const ttl = o.expiresInSeconds ?? DEFAULT_TTL_SECONDS;
    const email = o.email.trim().toLowerCase();
    const name = o.name?.trim() || email.split('@')[0]!;
    const sub = subjectFor(email);
    const clientId = o.clientId ?? ctx.settings.AUTH_SPA_CLIENT_ID ?? 'personal-agents-web';
    const scope = o.scope ?? `openid profile email ${requiredScope}`;
    const base = {
      iss: issuer,
      sub,
      email,
      email_verified: true,
      name,
      preferred_username: email,
      iat: now,
      exp: now + ttl,
    };
    const nbf = o.notBefore ?? now;
    const accessToken = signJwt({
      ...base,
      aud: o.audience ?? audience,
      nbf,
      scp: apiScopes(scope),
      azp: clientId,
      jti: b64url(randomBytes(12)),
    });
    const authTime = o.authTime ?? now;
    const idToken = signJwt({
      ...base,
      aud: clientId,
      nbf,
      auth_time: authTime,
      ...(o.nonce ? { nonce: o.nonce } : {}),
    });
    const out: Record<string, unknown> = {
      access_token: accessToken,
      id_token: idToken,
      token_type: 'Bearer',
      expires_in: ttl,
      scope,
    };
    if (o.withRefresh) {
      out.refresh_token = signJwt({
        iss: issuer,
        sub,
        email,
        name,
        aud: issuer,
        token_use: 'refresh',
        client_id: clientId,
        scope,
        auth_time: authTime,
        iat: now,
        exp: now + REFRESH_TTL_SECONDS,
      });
    }
    return out;
  }

  /** Redirects only go back to this machine or the configured web origin (never an open redirect). */
  function checkRedirect(uri: string | null): string {
    if (!uri) throw new OidcError(400, 'invalid_request', 'redirect_uri is missing.');
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new OidcError(400, 'invalid_request', 'redirect_uri is not a valid address.');
    }
    const allowed = [ctx.publicOrigin, ctx.settings.WEB_BASE_URL].filter(Boolean).map((o) => new URL(o!).origin);
    if (
      !(url.protocol === 'http:' || url.protocol === 'https:') ||
      !(isLoopback(url.hostname) || allowed.includes(url.origin))
    ) {
      throw new OidcError(
        400,
        'invalid_request',
        `redirect_uri ${url.origin} is not allowed: use this machine or WEB_BASE_URL.`,
      );
    }
    return url.toString();
  }

  function authorizeRequest(params: URLSearchParams) {
    const redirectUri = checkRedirect(params.get('redirect_uri'));
    if (params.get('response_type') !== 'code')
      throw new OidcError(400, 'unsupported_response_type', 'Only response_type=code is supported.');
    const clientId = params.get('client_id');
    if (!clientId) throw new OidcError(400, 'invalid_request', 'client_id is missing.');
    const codeChallenge = params.get('code_challenge');
    if (!codeChallenge || params.get('code_challenge_method') !== 'S256') {
      throw new OidcError(
        400,
        'invalid_request',
        'PKCE is required: send code_challenge with code_challenge_method=S256.',
      );
    }
    return {
      redirectUri,
      clientId,
      codeChallenge,
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      loginHint: params.get('login_hint') ?? '',
    };
  }

  const HIDDEN = [
    'response_type',
    'client_id',
    'redirect_uri',
    'code_challenge',
    'code_challenge_method',
    'state',
    'nonce',
    'scope',
  ];

  function signInPage(params: URLSearchParams, email: string, name: string, error?: string): string {
    const hidden = HIDDEN.filter((k) => params.get(k) !== null)
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k)!)}">`)
      .join('');
    return page(
      'Sign in',
      `<h1>Sign in</h1>
<p class="note">Development sign-in of the local runtime: enter any email address.</p>
${error ? `<p class="error" role="alert" id="form-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/dev/oidc/authorize">${hidden}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${escapeHtml(email)}"${error ? ' aria-describedby="form-error" aria-invalid="true"' : ''}>
<label for="name">Name</label>
<input id="name" name="name" type="text" autocomplete="name" value="${escapeHtml(name)}">
<button type="submit">Sign in</button>
</form>`,
    );
  }

  async function authorize(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = req.method === 'POST' ? await readParams(req) : url.searchParams;
    let request: ReturnType<typeof authorizeRequest>;
    try {
      request = authorizeRequest(params);
    } catch (err) {
      const message = err instanceof OidcError ? err.message : 'The sign-in request is not valid.';
      sendHtml(res, 400, page('Sign-in error', `<h1>Sign-in error</h1><p role="alert">${escapeHtml(message)}</p>`));
      return;
    }
    if (req.method !== 'POST') {
      if (params.get('prompt') === 'none') {
        // No sign-in without the page (this issuer keeps no session): tell the client so, as OIDC says.
        const target = new URL(request.redirectUri);
        target.searchParams.set('error', 'login_required');
        target.searchParams.set('error_description', 'Sign in on the dev sign-in page.');
        if (request.state !== undefined) target.searchParams.set('state', request.state);
        res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' }).end();
        return;
      }
      sendHtml(res, 200, signInPage(params, request.loginHint, ''));
      return;
    }
    const email = (params.get('email') ?? '').trim();
    const name = (params.get('name') ?? '').trim();
    if (!EMAIL.test(email)) {
      sendHtml(res, 400, signInPage(params, email, name, 'Enter an email address, like name@example.com.'));
      return;
    }
    const code = b64url(randomBytes(24));
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      email,
      name,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state !== undefined) target.searchParams.set('state', request.state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' }).end();
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readParams(req);
    const grant = params.get('grant_type');
    if (grant === 'authorization_code') {
      const code = params.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // single use, also when the exchange fails
      if (!pending || pending.expiresAt < Date.now())
        throw new OidcError(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
      if (params.get('redirect_uri') !== pending.redirectUri)
        throw new OidcError(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
      if (params.get('client_id') && params.get('client_id') !== pending.clientId)
        throw new OidcError(400, 'invalid_grant', 'client_id does not match.');
      const verifier = params.get('code_verifier') ?? '';
      if (!verifier || b64url(createHash('sha256').update(verifier).digest()) !== pending.codeChallenge) {
        throw new OidcError(400, 'invalid_grant', 'code_verifier does not match the code_challenge.');
      }
      sendJson(res, 200, issueTokens({ ...pending, withRefresh: true }));
      return;
    }
    if (grant === 'refresh_token') {
      let claims: Record<string, unknown>;
      try {
        claims = verifyJwt(params.get('refresh_token') ?? '');
      } catch {
        throw new OidcError(400, 'invalid_grant', 'The refresh token is not valid.');
      }
      if (claims.token_use !== 'refresh') throw new OidcError(400, 'invalid_grant', 'That is not a refresh token.');
      sendJson(
        res,
        200,
        issueTokens({
          email: String(claims.email),
          name: String(claims.name),
          clientId: String(claims.client_id),
          scope: String(claims.scope),
          withRefresh: true,
          authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
        }),
      );
      return;
    }
    throw new OidcError(400, 'unsupported_grant_type', 'Supported grants: authorization_code, refresh_token.');
  }

  function userinfo(req: IncomingMessage, res: ServerResponse): void {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new OidcError(401, 'invalid_token', 'Send the access token as a bearer token.');
    const claims = verifyJwt(match[1]!);
    if (claims.token_use === 'refresh') throw new OidcError(401, 'invalid_token', 'That is a refresh token.');
    sendJson(res, 200, { sub: claims.sub, email: claims.email, name: claims.name, preferred_username: claims.email });
  }

  function logout(res: ServerResponse, url: URL): void {
    const target = url.searchParams.get('post_logout_redirect_uri');
    if (target) {
      const redirect = new URL(checkRedirect(target));
      const state = url.searchParams.get('state');
      if (state) redirect.searchParams.set('state', state);
      res.writeHead(302, { location: redirect.toString(), 'cache-control': 'no-store' }).end();
      return;
    }
    sendHtml(res, 200, page('Signed out', '<h1>Signed out</h1><p>You are signed out. You can close this page.</p>'));
  }

  async function devToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!sameSecret(req.headers[DEV_TOKEN_SECRET_HEADER], tokenSecret)) {
      throw new OidcError(
        401,
        'invalid_client',
        `Send the secret of this start (printed at start-up, in <data>/dev-oidc/token-secret) as ${DEV_TOKEN_SECRET_HEADER}.`,
      );
    }
    const params = await readParams(req);
    const email = (params.get('email') ?? '').trim();
    if (!EMAIL.test(email))
      throw new OidcError(
        400,
        'invalid_request',
        'Send {"email": "name@example.com"} (name, expiresInSeconds, audience, notBefore, scope and clientId are optional).',
      );
    const numberParam = (key: string) => {
      const raw = params.get(key);
      if (raw === null || raw === '') return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new OidcError(400, 'invalid_request', `${key} must be an integer.`);
      return n;
    };
    sendJson(
      res,
      200,
      issueTokens({
        email,
        name: params.get('name') ?? undefined,
        expiresInSeconds: numberParam('expiresInSeconds'),
        audience: params.get('audience') ?? undefined,
        notBefore: numberParam('notBefore'),
        scope: params.get('scope') ?? undefined,
        clientId: params.get('clientId') ?? undefined,
      }),
    );
  }

  const discovery = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    token_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'email', 'name', 'preferred_username', 'nonce'],
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path !== '/dev/token' && !path.startsWith('/dev/oidc')) return false;
    if (method === 'OPTIONS') {
      res
        .writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
        })
        .end();
      return true;
    }
    try {
      const route = `${method} ${path}`;
      switch (route) {
        case 'GET /dev/oidc/.well-known/openid-configuration':
          sendJson(res, 200, discovery, { 'cache-control': 'no-cache' });
          break;
        case 'GET /dev/oidc/jwks':
          sendJson(
            res,
            200,
            { keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid, use: 'sig', alg: 'RS256' }] },
            { 'cache-control': 'no-cache' },
          );
          break;
        case 'GET /dev/oidc/authorize':
        case 'POST /dev/oidc/authorize':
          await authorize(req, res, url);
          break;
        case 'POST /dev/oidc/token':
          await token(req, res);
          break;
        case 'GET /dev/oidc/userinfo':
        case 'POST /dev/oidc/userinfo':
          userinfo(req, res);
          break;
        case 'GET /dev/oidc/logout':
          logout(res, url);
          break;
        case 'POST /dev/token':
          await devToken(req, res);
          break;
        default:
          sendJson(res, 404, {
            error: 'not_found',
            error_description: `${method} ${path} is not an endpoint of the dev issuer.`,
          });
      }
    } catch (err) {
      if (err instanceof OidcError) {
        const extra: Record<string, string> =
          err.status === 401 ? { 'www-authenticate': `Bearer error="${err.code}"` } : {};
        sendJson(res, err.status, { error: err.code, error_description: err.message }, extra);
      } else {
        ctx.log(`Dev issuer error: ${(err as Error).stack ?? String(err)}`);
        sendJson(res, 500, { error: 'server_error', error_description: 'The dev issuer failed; see the runtime log.' });
      }
    }
    return true;
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [code, pending] of codes) if (pending.expiresAt < now) codes.delete(code);
  }, 60_000);
  sweep.unref();

  return {
    name: 'dev-oidc',
    env: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience },
    summary: [`POST /dev/token needs ${DEV_TOKEN_SECRET_HEADER}: ${tokenSecret}`],
    handle,
    async stop() {
      clearInterval(sweep);
    },
  };
};
