/**
 * Edits are never lost silently: the workflow page, the schedule dialog, Settings and API access ask "Discard your
 * changes?" before a typed change is thrown away, keep it on "Keep editing", and let the person go on "Discard".
 * In Chromium against the local platform. Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, signedInPage } from '../support/browser';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'ada@example.com';

let p: TestPlatform;
let ada: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

type Workflows = { items: { id: string; name: string; schedule: { cron: string } | null }[] };

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  ada = await p.person(EMAIL, 'Ada Lovelace');
  await p.connectGoogle(ada);
  const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: ada.token });
  assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, p.platform.origin, { email: EMAIL, name: 'Ada Lovelace' }));
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const question = () => page.getByRole('dialog', { name: 'Discard your changes?' });

/** Leaves for Runs: "Keep editing" keeps the change, "Discard" leaves. */
async function leavingAsks(field: () => ReturnType<Page['getByRole']>, typed: string): Promise<void> {
  await nav('Runs').click();
  await question().getByRole('button', { name: 'Keep editing' }).click();
  await question().waitFor({ state: 'detached' });
  assert.equal(await field().inputValue(), typed, 'the change is still there');
  await nav('Runs').click();
  await question().getByRole('button', { name: 'Discard' }).click();
  await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
}

test('forms ask before discarding edits', { skip: unavailable }, async (t) => {
  await t.test('an unchanged workflow page lets the person go without asking', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByRole('link', { name: 'Edit: workflow Inbox Assistant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox Assistant' }).waitFor();
    await nav('Runs').click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
  });

  await t.test('an edited workflow page asks, and nothing is saved on Discard', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByRole('link', { name: 'Edit: workflow Inbox Assistant' }).click();
    const name = () => page.getByRole('textbox', { name: /^Name\b/ });
    await name().waitFor();
    await name().fill('Inbox Assistant (mine)');
    await leavingAsks(name, 'Inbox Assistant (mine)');
    const workflows = await p.json<Workflows>('/workflows', { token: ada.token });
    assert.deepEqual(
      workflows.body.items.map((w) => w.name),
      ['Inbox Assistant'],
    );
  });

  await t.test('a new workflow with a name typed asks too', async () => {
    await page.goto(`${p.platform.origin}/workflows/new`);
    const name = () => page.getByRole('textbox', { name: /^Name\b/ });
    await name().fill('Morning round');
    assert.deepEqual(await seriousViolations(page), []);
    await leavingAsks(name, 'Morning round');
  });

  await t.test('the schedule dialog asks before its change is dropped', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByRole('button', { name: 'Schedule: workflow Inbox Assistant' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule of Inbox Assistant' });
    await dialog.getByRole('switch', { name: 'Run on a schedule' }).uncheck();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await question().getByRole('button', { name: 'Keep editing' }).click();
    await question().waitFor({ state: 'detached' });
    assert.equal(await dialog.getByRole('switch', { name: 'Run on a schedule' }).isChecked(), false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await question().getByRole('button', { name: 'Discard' }).click();
    await dialog.waitFor({ state: 'detached' });
    const workflows = await p.json<Workflows>('/workflows', { token: ada.token });
    assert.ok(workflows.body.items[0]!.schedule, 'the schedule is untouched');
  });

  await t.test('an unchanged schedule dialog closes at once', async () => {
    await page.getByRole('button', { name: 'Schedule: workflow Inbox Assistant' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule of Inbox Assistant' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await question().count(), 0);
  });

  await t.test('Settings asks before a changed name is dropped', async () => {
    await page.goto(`${p.platform.origin}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const name = () => page.getByRole('textbox', { name: /^Display name\b/ });
    await name().fill('Countess Ada');
    await leavingAsks(name, 'Countess Ada');
    const me = await p.json<{ displayName: string }>('/me', { token: ada.token });
    assert.equal(me.body.displayName, 'Ada Lovelace');
  });

  await t.test('API access asks before a token typed in but not created is dropped', async () => {
    await page.goto(`${p.platform.origin}/settings/api-access`);
    const name = () => page.getByRole('textbox', { name: 'Token name' });
    await name().fill('Home script');
    await leavingAsks(name, 'Home script');
  });

  await t.test('no console errors on the way', () => assert.deepEqual(consoleErrors, []));
});
