/**
 * Only vendors this installation has an OAuth client for are offered: the local runtime sets up Google and Microsoft
 * (their emulators) and leaves Notion out unless its settings are given (as in microsoft-notion.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';

describe('connectable providers', () => {
  let platform: LocalPlatform;
  let token: string;

  before(async () => {
    platform = await startLocalPlatform({
      services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'microsoft-emulator'],
    });
    token = await platform.token('hedy@example.com', 'Hedy');
  });
  after(() => platform?.stop());

  it('lists the configured vendors with their families, and not Notion when it has no client', async () => {
    const response = await platform.api('/catalog/providers', { token });
    assert.equal(response.status, 200);
    const { items } = (await response.json()) as { items: { provider: string; families: string[] }[] };
    assert.deepEqual(
      items.map((p) => p.provider),
      ['google', 'microsoft'],
    );
    assert.deepEqual(items.find((p) => p.provider === 'google')?.families.sort(), ['calendar', 'files', 'mail']);
  });

  it('refuses to start connecting an unconfigured vendor in words', async () => {
    const response = await platform.api('/connectors/notion/authorize', { token, json: {} });
    assert.equal(response.status, 503);
    const problem = (await response.json()) as { type: string; detail: string };
    assert.match(problem.type, /provider-not-configured/);
    assert.match(problem.detail, /Notion is not set up/);
  });

  it('needs a sign-in', async () => {
    assert.equal((await platform.api('/catalog/providers')).status, 401);
  });
});
