/**
 * Settings → API access in Debian's Chromium against the local platform: a person creates a token (shown once, with a
 * copy button) and revokes it, adds a webhook to a receiver on this machine, sends a test and reads its deliveries.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import {
  browserUnavailable,
  launchBrowser,
  newContext,
  screenshot,
  seriousViolations,
  watchConsole,
} from '../support/browser';
import { startReceiver } from './receiver';

const unavailable = browserUnavailable();
let platform: LocalPlatform;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
let receiver: Awaited<ReturnType<typeof startReceiver>>;

before(async () => {
  if (unavailable) return;
  platform = await startLocalPlatform();
  receiver = await startReceiver();
  browser = await launchBrowser();
  const context = await newContext(browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.origin });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});
after(async () => {
  await browser?.close();
  await receiver?.close();
  await platform?.stop();
});

async function accessible(name: string) {
  await page.waitForLoadState('networkidle');
  assert.deepEqual(await seriousViolations(page), [], `accessibility problems on ${name}`);
  await screenshot(page, name);
}

test('the API access screen', { skip: unavailable }, async () => {
  await page.goto(`${platform.origin}/settings`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dev\/oidc\/authorize/);
  await page.getByLabel('Email').fill('grace@example.com');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor({ timeout: 30_000 });
  await page.getByRole('link', { name: 'Manage API access' }).click();
  await page.getByRole('heading', { level: 1, name: 'API access' }).waitFor();
  await accessible('api-access');

  // A token: scopes as checkboxes, shown once, copied, listed without its secret, then revoked.
  await page.getByLabel('Token name').fill('Evening approvals');
  await page.getByRole('checkbox', { name: /suggestions:decide/ }).check();
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByLabel('Your new token "Evening approvals".');
  await shown.waitFor();
  const token = (await shown.textContent())!.trim();
  assert.match(token, /^pap_/);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
  assert.equal(await page.evaluate<string>('navigator.clipboard.readText()'), token);
  const tokens = page.getByRole('list', { name: 'Your tokens' });
  await tokens.getByText(/Evening approvals \(pap_/).waitFor();
  assert.ok(!(await tokens.textContent())!.includes(token.slice(8)), 'the list never shows the token');
  const used = await platform.api('/suggestions', { token });
  assert.equal(used.status, 200, 'the token works');
  await accessible('api-access-token');
  await page.getByRole('button', { name: 'Revoke Evening approvals' }).click();
  await tokens.getByText(/Evening approvals/).waitFor({ state: 'detached' });
  assert.equal((await platform.api('/suggestions', { token })).status, 401, 'revoked at once');

  // A webhook to a receiver on this machine: its secret shown once, a test sent, the delivery listed.
  await page.getByLabel('Receiver URL').fill(receiver.url('/from-browser'));
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const secret = page.getByLabel(/The signing secret of/);
  await secret.waitFor();
  assert.match((await secret.textContent())!, /^whsec_/);
  const hook = page.getByRole('region', { name: `Webhook ${receiver.url('/from-browser')}` });
  await hook.getByRole('button', { name: 'Send test' }).click();
  await hook.getByText(/Test delivered: the receiver answered 200/).waitFor();
  assert.equal(receiver.at('/from-browser').length, 1);
  assert.ok(receiver.at('/from-browser')[0]!.headers['webhook-signature']);
  await hook.getByRole('table', { name: 'Deliveries' }).getByText('webhook.test').waitFor();
  await accessible('api-access-webhook');
  assert.deepEqual(consoleErrors, []);
});
