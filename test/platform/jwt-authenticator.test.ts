import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { createJwtAuthenticator, tenantIdFor } from '../../shared/identity/jwt-authenticator';
import type { Authenticator } from '../../shared/platform/http/principal';
import { UnauthorizedError } from '../../shared/platform/errors';

const AUDIENCE = 'personal-agents-api';
let server: Server;
let issuer: string;
let published: JWK[] = [];
let jwksFetches = 0;
let discoveryFetches = 0;
let key: CryptoKey;
let otherKey: CryptoKey;
let auth: Authenticator;

async function keyPair(kid: string) {
  const pair = await generateKeyPair('RS256', { extractable: true });
  return { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function token(
  claims: Record<string, unknown> = {},
  opts: { key?: CryptoKey; kid?: string; iss?: string; aud?: string; exp?: number; nbf?: number } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    email: 'ana@example.test',
    email_verified: true,
    name: 'Ana',
    scp: 'access_as_user',
    azp: 'web-client',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? AUDIENCE)
    .setSubject('user-ana')
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 600);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(opts.key ?? key);
}

async function rejection(header: string | null): Promise<UnauthorizedError> {
  const err = await auth.authenticate(header).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof UnauthorizedError, `expected a 401, got ${String(err)}`);
  assert.equal(err.status, 401);
  assert.match(err.headers['WWW-Authenticate']!, /^Bearer/);
  return err;
}

before(async () => {
  const k1 = await keyPair('k1');
  key = k1.privateKey;
  otherKey = (await keyPair('k1')).privateKey;
  published = [k1.jwk];
  server = createServer((req, res) => {
    if (req.url === '/oidc/.well-known/openid-configuration') {
      discoveryFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/oidc/jwks') {
      jwksFetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
  auth = createJwtAuthenticator({
    issuer,
    audience: AUDIENCE,
    clockSkewSeconds: 60,
    jwksCooldownSeconds: 0,
    requiredScope: 'access_as_user',
    allowedClientIds: ['web-client'],
  });
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('bearer tokens', () => {
  test('a valid token gives the principal; the tenant comes from issuer + subject', async () => {
    const principal = await auth.authenticate(`Bearer ${await token()}`);
    assert.equal(principal.subject, 'user-ana');
    assert.equal(principal.email, 'ana@example.test');
    assert.equal(principal.tenantId, tenantIdFor(issuer, 'user-ana'));
    assert.notEqual(tenantIdFor('https://other.example', 'user-ana'), principal.tenantId);
    assert.equal(discoveryFetches, 1, 'the discovery document gives the JWKS location');
    // Claims in the token cannot choose the tenant.
    const sneaky = await auth.authenticate(`Bearer ${await token({ tenantId: 't-someone-else', tid: 'x' })}`);
    assert.equal(sneaky.tenantId, principal.tenantId);
  });

  test('missing and malformed Authorization headers', async () => {
    const missing = await rejection(null);
    assert.equal(missing.headers['WWW-Authenticate'], 'Bearer');
    for (const header of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two parts', 'token-without-scheme']) {
      const err = await rejection(header);
      assert.match(err.headers['WWW-Authenticate']!, /invalid_request/);
    }
    for (const garbage of ['abc.def.ghi', 'not-a-jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const err = await rejection(`Bearer ${garbage}`);
      assert.match(err.headers['WWW-Authenticate']!, /invalid_token/);
    }
  });

  test('expired and not-yet-valid tokens (beyond the clock skew)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await rejection(`Bearer ${await token({}, { exp: now - 3600 })}`);
    assert.match(expired.headers['WWW-Authenticate']!, /token expired/);
    assert.match(expired.detail, /expired/);
    const early = await rejection(`Bearer ${await token({}, { nbf: now + 3600 })}`);
    assert.match(early.headers['WWW-Authenticate']!, /not yet valid/);
    // Within the skew both are accepted: clocks drift.
    await auth.authenticate(`Bearer ${await token({}, { exp: now - 20 })}`);
    await auth.authenticate(`Bearer ${await token({}, { nbf: now + 20 })}`);
  });

  test('wrong issuer, wrong audience, wrong signature', async () => {
    const iss = await rejection(`Bearer ${await token({}, { iss: 'https://evil.example.test' })}`);
    assert.match(iss.headers['WWW-Authenticate']!, /iss claim/);
    const aud = await rejection(`Bearer ${await token({}, { aud: 'another-api' })}`);
    assert.match(aud.headers['WWW-Authenticate']!, /aud claim/);
    const sig = await rejection(`Bearer ${await token({}, { key: otherKey })}`);
    assert.match(sig.headers['WWW-Authenticate']!, /signature invalid/);
    // A valid token whose signature bytes were altered.
    const good = await token();
    const [h, p, s] = good.split('.');
    const flipped = `${h}.${p}.${s!.slice(0, -4)}${s!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await rejection(`Bearer ${flipped}`);
    // Changed claims under the original signature.
    const forged = Buffer.from(
      JSON.stringify({ sub: 'user-mallory', iss: issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 60 }),
    ).toString('base64url');
    await rejection(`Bearer ${h}.${forged}.${s}`);
  });

  test('an unknown kid refetches the JWKS once (key rotation), a never-published one is refused', async () => {
    const before = jwksFetches;
    const k2 = await keyPair('k2');
    published = [...published, k2.jwk];
    const principal = await auth.authenticate(`Bearer ${await token({}, { key: k2.privateKey, kid: 'k2' })}`);
    assert.equal(principal.subject, 'user-ana');
    assert.equal(jwksFetches, before + 1);
    // Known keys are served from the cache.
    await auth.authenticate(`Bearer ${await token()}`);
    await auth.authenticate(`Bearer ${await token({}, { key: k2.privateKey, kid: 'k2' })}`);
    assert.equal(jwksFetches, before + 1);
    const k3 = await keyPair('k3');
    const unknown = await rejection(`Bearer ${await token({}, { key: k3.privateKey, kid: 'k3' })}`);
    assert.match(unknown.headers['WWW-Authenticate']!, /unknown signing key/);
  });

  test('only delegated tokens of the allowed client with the API scope', async () => {
    // Entra v1 tokens name the client in appid; several scopes are space-separated.
    const v1 = await auth.authenticate(
      `Bearer ${await token({ azp: undefined, appid: 'web-client', scp: 'User.Read access_as_user' })}`,
    );
    assert.equal(v1.subject, 'user-ana');
    const appOnly = await rejection(`Bearer ${await token({ scp: undefined, roles: ['Mail.Send'] })}`);
    assert.match(appOnly.headers['WWW-Authenticate']!, /app-only/);
    await rejection(`Bearer ${await token({ idtyp: 'app' })}`);
    const other = await rejection(`Bearer ${await token({ azp: 'another-app' })}`);
    assert.match(other.headers['WWW-Authenticate']!, /client not allowed/);
    await rejection(`Bearer ${await token({ azp: undefined })}`);
    const scope = await auth.authenticate(`Bearer ${await token({ scp: 'Files.Read' })}`).then(
      () => undefined,
      (e: unknown) => e as { status: number; headers: Record<string, string> },
    );
    assert.equal(scope?.status, 403);
    assert.match(scope!.headers['WWW-Authenticate']!, /insufficient_scope/);
  });

  test('the notification address comes only from a verified email claim', async () => {
    const unverified = await auth.authenticate(`Bearer ${await token({ email_verified: false })}`);
    assert.equal(unverified.email, undefined);
    const typedName = await auth.authenticate(
      `Bearer ${await token({ email: undefined, preferred_username: 'boss@bank.example' })}`,
    );
    assert.equal(typedName.email, undefined, 'preferred_username is not an email address anyone verified');
    const entra = await auth.authenticate(`Bearer ${await token({ email_verified: undefined, xms_edov: true })}`);
    assert.equal(entra.email, 'ana@example.test');
  });
});
