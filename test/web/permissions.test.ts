/**
 * Connector health tells the truth about permissions: an account connected read-only is not "Healthy" once an agent
 * that sends is installed; the Connections page names what is missing in words and "Grant access" goes through the
 * provider's consent (the Google emulator) back to a healthy account. A pack that needs a permission not granted yet
 * asks for it on its install page, and the install goes on after the consent. In Chromium against the local
 * platform; skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { scopeLabel } from '../../shared/connectors/scope-labels';
import { browserUnavailable, launchBrowser, newContext, seriousViolations, watchConsole } from '../support/browser';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const SEND = scopeLabel('https://www.googleapis.com/auth/gmail.send');

let p: TestPlatform;
let browser: Browser;
const consoleErrors: string[] = [];

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

/** A person whose Google account is connected read-only (no agent that writes was installed then), signed in. */
async function personWithReadOnlyGoogle(email: string, name: string): Promise<{ person: Person; page: Page }> {
  const person = await p.person(email, name);
  await p.connectGoogle(person);
  const page = await (await newContext(browser)).newPage();
  consoleErrors.push(...watchConsole(page));
  await page.goto(`${p.platform.origin}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`Hello, ${name}`) }).waitFor();
  return { person, page };
}

/** Picks the demo account on the Google emulator's consent page. */
async function consentAtGoogle(page: Page): Promise<void> {
  await page.waitForURL((url) => url.origin === new URL(p.platform.settings.GOOGLE_EMULATOR!).origin);
  await page.getByRole('button', { name: new RegExp(GOOGLE_DEMO_USER.email) }).click();
}

test(
  'permissions an agent needs are shown in words and granted through the provider',
  { skip: unavailable },
  async (t) => {
    await t.test('Connections names the missing send permission and Grant access heals the account', async () => {
      const { person, page } = await personWithReadOnlyGoogle('ines@example.com', 'Ines');
      const created = await p.json('/agents', {
        method: 'POST',
        token: person.token,
        json: { templateId: 'reply-drafter', name: 'Replies' },
      });
      assert.equal(created.status, 201);

      await page.goto(`${p.platform.origin}/connectors`);
      const card = page.getByRole('article', { name: `Google ${GOOGLE_DEMO_USER.email}` });
      await card.getByText('Needs permission').waitFor();
      const missing = card.getByRole('region', { name: 'Missing permissions of Google' });
      await missing.getByText(SEND, { exact: true }).waitFor();
      assert.equal(await card.getByText('Healthy').count(), 0, 'an account missing a permission is not "Healthy"');
      assert.equal(await card.getByText(/https?:\/\//).count(), 0, 'no raw scope URLs on the card');
      assert.deepEqual(await seriousViolations(page), []);

      await card.getByRole('button', { name: 'Grant access' }).click();
      await consentAtGoogle(page);
      await page.waitForURL(/\/connectors\?connected=google/);
      await card.getByText('Healthy').waitFor();
      assert.equal(await card.getByRole('button', { name: 'Grant access' }).count(), 0);
      const seen = await p.json<{ items: { health: string; scopes: string[] }[] }>('/connectors', {
        token: person.token,
      });
      assert.equal(seen.body.items[0]!.health, 'ok');
      assert.ok(seen.body.items[0]!.scopes.includes('https://www.googleapis.com/auth/gmail.send'));
    });

    await t.test('the pack install page asks for a missing permission, then installs after the consent', async () => {
      const { person, page } = await personWithReadOnlyGoogle('jon@example.com', 'Jon');
      await page.goto(`${p.platform.origin}/catalog/packs/inbox-assistant/install`);
      const ask = page.getByRole('region', { name: `Permissions to grant on Google ${GOOGLE_DEMO_USER.email}` });
      await ask.getByText(SEND, { exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Allow and install' }).count(), 0);
      assert.deepEqual(await seriousViolations(page), []);

      await page.getByRole('button', { name: 'Grant access and install' }).click();
      await consentAtGoogle(page);
      await page.waitForURL(/\/agents$/);
      await page.getByText('Inbox Assistant is installed.').waitFor();
      const installed = await p.json<{ items: { packId: string }[] }>('/packs', { token: person.token });
      assert.deepEqual(
        installed.body.items.map((i) => i.packId),
        ['inbox-assistant'],
      );
      const connectors = await p.json<{ items: { health: string }[] }>('/connectors', { token: person.token });
      assert.equal(connectors.body.items[0]!.health, 'ok', 'the account holds what the pack needs');
    });

    await t.test('no errors in the console', () => {
      assert.deepEqual(consoleErrors, []);
    });
  },
);
