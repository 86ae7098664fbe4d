// `npm start`'s platform for this app: every component healthy, and the dev sign-in issuer working end to end
// (authorization code + PKCE as the web app does it, refresh, userinfo, and the test token endpoint).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';

describe('local platform: this app on embedded parts', () => {
  let platform: LocalPlatform;
  before(async () => {
    platform = await startLocalPlatform();
  });
  after(() => platform?.stop());

  it('answers GET /api/health 200 with every component ok right after start', async () => {
    // The runtime reports ready only once the app's health answered 200 (its first-request work is done).
    const res = await platform.api('/health');
    const body = (await res.json()) as {
      status: string;
      components: Record<string, { status: string; detail?: string }>;
    };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ok');
    for (const name of ['cosmos', 'blob', 'durable', 'broker']) {
      assert.equal(body.components[name]?.status, 'ok', `${name}: ${JSON.stringify(body.components[name])}`);
    }
  });

  it('signs a person in with the authorization code + PKCE flow and refreshes the session', async () => {
    const issuer = `${platform.origin}/dev/oidc`;
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, any>;
    assert.equal(discovery.issuer, issuer);
    assert.equal(platform.settings.AUTH_ISSUER, issuer);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = `${platform.origin}/auth/callback`;
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: 'personal-agents-web',
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access api://personal-agents-api/access_as_user',
      state: 'st-1',
      nonce: 'n-1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const page = await fetch(`${discovery.authorization_endpoint}?${params}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<label for="email">Email<\/label>/);
    assert.match(html, /<label for="name">Name<\/label>/);
    assert.match(html, /<button type="submit">Sign in<\/button>/);

    const signIn = (email: string) =>
      fetch(discovery.authorization_endpoint, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams([...params, ['email', email], ['name', 'Ada Lovelace']]),
      });
    const invalid = await signIn('not-an-email');
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /role="alert"/);

    const redirect = await signIn('ada@example.com');
    assert.equal(redirect.status, 302);
    const back = new URL(redirect.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, redirectUri);
    assert.equal(back.searchParams.get('state'), 'st-1');
    const code = back.searchParams.get('code')!;

    const exchange = (body: Record<string, string>) =>
      fetch(discovery.token_endpoint, { method: 'POST', body: new URLSearchParams(body) });
    const wrongVerifier = await exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: 'personal-agents-web',
      code_verifier: 'x'.repeat(43),
    });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(((await wrongVerifier.json()) as { error: string }).error, 'invalid_grant');

    // The failed attempt used the code up: sign in again for a fresh one.
    const code2 = new URL((await signIn('ada@example.com')).headers.get('location')!).searchParams.get('code')!;
    const tokens = (await (
      await exchange({
        grant_type: 'authorization_code',
        code: code2,
        redirect_uri: redirectUri,
        client_id: 'personal-agents-web',
        code_verifier: verifier,
      })
    ).json()) as Record<string, any>;
    assert.equal(tokens.token_type, 'Bearer');
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    assert.equal(idClaims.nonce, 'n-1');
    assert.equal(idClaims.aud, 'personal-agents-web');

    const accessClaims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    assert.equal(accessClaims.scp, 'access_as_user', 'the API scope, as Entra puts it in scp');
    assert.equal(accessClaims.azp, 'personal-agents-web');
    const me = await platform.api('/me', { token: tokens.access_token });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, 'ada@example.com');

    const userinfo = (await (
      await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    ).json()) as Record<string, any>;
    assert.equal(userinfo.email, 'ada@example.com');
    assert.equal(userinfo.name, 'Ada Lovelace');

    await new Promise((r) => setTimeout(r, 1100)); // let the clock pass a second: auth_time must not follow it
    const refreshed = (await (
      await exchange({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
    ).json()) as Record<string, any>;
    const again = await platform.api('/me', { token: refreshed.access_token });
    assert.equal(again.status, 200);
    const sub = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).sub;
    assert.equal(sub(refreshed.access_token), sub(tokens.access_token), 'the subject is stable per email');
    const authTime = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).auth_time;
    assert.equal(typeof authTime(tokens.id_token), 'number');
    assert.equal(authTime(refreshed.id_token), authTime(tokens.id_token), 'a refresh keeps the original auth_time');

    const logout = await fetch(
      `${discovery.end_session_endpoint}?post_logout_redirect_uri=${encodeURIComponent(platform.origin + '/')}`,
      { redirect: 'manual' },
    );
    assert.equal(logout.status, 302);
    const silent = await fetch(
      `${discovery.authorization_endpoint}?${new URLSearchParams({ ...Object.fromEntries(params), prompt: 'none' })}`,
      { redirect: 'manual' },
    );
    assert.equal(silent.status, 302);
    const silentBack = new URL(silent.headers.get('location')!);
    assert.equal(silentBack.searchParams.get('error'), 'login_required', 'prompt=none cannot sign in without the page');
    assert.equal(silentBack.searchParams.get('state'), 'st-1');
    const evil = await fetch(
      `${discovery.authorization_endpoint}?${new URLSearchParams({ ...Object.fromEntries(params), redirect_uri: 'https://evil.example/cb' })}`,
    );
    assert.equal(evil.status, 400, 'never redirects to another site');
  });

  it('makes expired, not-yet-valid and wrong-audience tokens for tests, which the API refuses', async () => {
    const devToken = async (body: Record<string, unknown>) => {
      const res = await fetch(`${platform.origin}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dev-token-secret': platform.devTokenSecret() },
        body: JSON.stringify(body),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await platform.api('/me', { token: await platform.token('grace@example.com') })).status, 200);
    for (const body of [
      { email: 'grace@example.com', expiresInSeconds: -600 },
      { email: 'grace@example.com', notBefore: now + 3600 },
      { email: 'grace@example.com', audience: 'someone-else' },
    ]) {
      assert.equal((await platform.api('/me', { token: await devToken(body) })).status, 401, JSON.stringify(body));
    }
    const bad = await fetch(`${platform.origin}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-token-secret': platform.devTokenSecret() },
      body: '{"email":"nope"}',
    });
    assert.equal(bad.status, 400);
    for (const secret of [undefined, 'guessed', platform.devTokenSecret().slice(1)]) {
      const refused = await fetch(`${platform.origin}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-dev-token-secret': secret } : {}) },
        body: '{"email":"mallory@example.com"}',
      });
      assert.equal(refused.status, 401, 'no token without the secret of this start');
    }
    assert.match(platform.logs(), new RegExp(`x-dev-token-secret: ${platform.devTokenSecret()}`), 'printed at start');
  });

  it('stops within a few seconds with every service running and clients still connected, leaving no process behind', async () => {
    const runtimePid = (JSON.parse(readFileSync(join(platform.dataDir, 'runtime.json'), 'utf8')) as { pid: number })
      .pid;
    const children = childrenOf(runtimePid);
    assert.ok(children.length > 0, 'Azurite runs as a child process');
    // An SMTP client that connected and waits (as a pooled mail sender does), and a kept-alive emulator connection.
    const smtp = connect(Number(platform.settings.SMTP_PORT), '127.0.0.1');
    smtp.on('error', () => undefined);
    await new Promise<void>((resolve) => smtp.once('data', () => resolve()));
    assert.equal((await fetch(`${platform.settings.GOOGLE_EMULATOR}/.well-known/openid-configuration`)).status, 200);

    const started = performance.now();
    await platform.stop();
    const tookMs = performance.now() - started;
    smtp.destroy();
    assert.ok(tookMs < 10_000, `stop took ${Math.round(tookMs)} ms`);
    for (const pid of [runtimePid, ...children]) assert.equal(isRunning(pid), false, `process ${pid} is still running`);
  });
});

/** Pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
