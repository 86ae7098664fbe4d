// Behind a proxy that overwrites Authorization (Azure Static Web Apps with a linked backend), the person's token
// travels in the header named by AUTH_TOKEN_HEADER, and the web app learns that name from /api/client-config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';

let platform: LocalPlatform;

before(async () => {
  platform = await startLocalPlatform({
    services: ['cosmos', 'azurite', 'dev-oidc'],
    settings: { AUTH_TOKEN_HEADER: 'X-Client-Authorization' },
  });
});

after(async () => {
  await platform?.stop();
});

test('the web app is told which header carries the token', async () => {
  const config = (await (await fetch(`${platform.apiUrl}/client-config`)).json()) as { tokenHeader: string };
  assert.equal(config.tokenHeader, 'x-client-authorization');
});

test('the token is read from the configured header, whatever the proxy put in Authorization', async () => {
  const token = await platform.token('sam@proxy.test', 'Sam');
  const proxied = await fetch(`${platform.apiUrl}/me`, {
    headers: {
      'x-client-authorization': `Bearer ${token}`,
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl',
    },
  });
  assert.equal(proxied.status, 200, await proxied.clone().text());
  assert.equal(((await proxied.json()) as { email: string }).email, 'sam@proxy.test');

  const onlyAuthorization = await fetch(`${platform.apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(onlyAuthorization.status, 401);
  assert.equal(onlyAuthorization.headers.get('content-type'), 'application/problem+json');
});
