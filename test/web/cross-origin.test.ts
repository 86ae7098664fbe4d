/**
 * The web app on its own origin and the API on another site, as with `webApiMode: 'direct'` in Azure (the static web
 * app serves the SPA, the function app answers the API with CORS for the web app's origin only): in Chromium, a person
 * signs in, the web app finds the API through its /config.json and calls it with the bearer token in Authorization, and
 * connecting the emulated Google account works (the start ticket is posted to the API's origin, which sets its flow
 * cookie there). Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { browserUnavailable, launchBrowser, newContext, screenshot, watchConsole } from '../support/browser';

const unavailable = browserUnavailable();
const GOOGLE_ACCOUNT = 'alex.morgan@gmail.example';

let platform: LocalPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];
/** Every request the page sent to the API: its origin and whether it carried the bearer token in Authorization. */
const apiCalls: Promise<{ url: string; bearer: boolean; from: string | undefined }>[] = [];

before(async () => {
  if (unavailable) return;
  platform = await startLocalPlatform({
    separateWebOrigin: true,
    services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator'],
  });
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  consoleErrors = watchConsole(page);
  page.on('request', (request) => {
    if (!request.url().startsWith(`${platform.origin}/api/`)) return;
    // allHeaders: what went over the wire, Origin included.
    apiCalls.push(
      request.allHeaders().then((headers) => ({
        url: request.url(),
        bearer: /^Bearer \S+$/.test(headers.authorization ?? ''),
        from: headers.origin,
      })),
    );
  });
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

test('the web app works from its own origin, calling the API on another', { skip: unavailable }, async (t) => {
  const web = platform.webOrigin;
  assert.notEqual(new URL(web).hostname, new URL(platform.origin).hostname, 'two sites, not two ports of one');

  await t.test('a person signs in and the web app calls the API across origins with the bearer token', async () => {
    const shell = await page.goto(`${web}/connectors`);
    assert.match(
      shell?.headers()['content-security-policy'] ?? '',
      new RegExp(`connect-src 'self' ${platform.origin}`),
    );
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dev\/oidc\/authorize/);
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor({ timeout: 30_000 });
    await page.getByText('Nothing connected yet').waitFor({ timeout: 30_000 });
    assert.equal(new URL(page.url()).origin, web, 'the web app stays on its own origin');
    const listed = (await Promise.all(apiCalls)).filter((c) => new URL(c.url).pathname === '/api/connectors');
    assert.ok(listed.length > 0, 'the connectors were read from the API origin');
    for (const call of listed) {
      assert.ok(call.bearer, `${call.url} carries Authorization: Bearer`);
      assert.equal(call.from, web, 'a cross-origin call from the web app');
    }
  });

  await t.test('connects the emulated Google account and returns to the web app', async () => {
    await page.getByRole('button', { name: 'Connect Google' }).click();
    await page.waitForURL((url) => url.origin === new URL(platform.settings.GOOGLE_EMULATOR!).origin, {
      timeout: 30_000,
    });
    await page.getByRole('button', { name: new RegExp(GOOGLE_ACCOUNT) }).click();
    await page.waitForURL((url) => url.origin === web && url.pathname === '/connectors', { timeout: 30_000 });
    assert.equal(new URL(page.url()).searchParams.get('connected'), 'google');
    await page.getByText('Google is connected.').waitFor({ timeout: 30_000 });
    await page.getByRole('article', { name: `Google ${GOOGLE_ACCOUNT}` }).waitFor({ timeout: 30_000 });
    const started = (await Promise.all(apiCalls)).find((c) => /\/api\/connectors\/google\/start$/.test(c.url));
    assert.ok(started, 'the browser posted the start ticket to the API origin');
    assert.equal(started.from, web, 'from the web app');
    await screenshot(page, 'cross-origin-connectors');
    // Pages on other origins (the API's continue page, the emulator's sign-in) have no favicon there.
    const errors = consoleErrors.filter((e) => !/@ (\S+)\/favicon\.ico$/.test(e) || e.endsWith(`@ ${web}/favicon.ico`));
    assert.deepEqual(errors, [], 'no console errors (a CSP or CORS refusal would be one)');
  });
});
