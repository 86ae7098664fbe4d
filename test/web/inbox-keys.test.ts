/**
 * Keyboard shortcuts in the suggestions inbox, as mail apps have them: j/k move (the row's Review button takes
 * focus and the move is said to screen readers), o opens, r rejects, a approves (one that sends mail opens instead),
 * ? lists the keys; none of them act while focus is in a field. In Chromium against the local platform.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, signedInPage } from '../support/browser';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'kay@example.com';

type Item = { id: string; status: string; sends: boolean; riskFlags: { blocking?: boolean }[] };

let p: TestPlatform;
let kay: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  kay = await p.person(EMAIL, 'Kay Ell');
  await p.connectGoogle(kay);
  const install = await p.json<{ workflowIds: string[] }>('/packs/inbox-assistant/install', {
    method: 'POST',
    token: kay.token,
  });
  assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
  const started = await p.json<{ id: string }>('/orchestration/runs', {
    token: kay.token,
    json: { workflowId: install.body.workflowIds[0] },
  });
  assert.equal((await p.finishedRun(kay, started.body.id, 120_000)).status, 'completed');
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, p.platform.origin, { email: EMAIL, name: 'Kay Ell' }));
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

const focusedId = () => page.evaluate<string>('document.activeElement ? document.activeElement.id : ""');
const said = () => page.getByRole('status').filter({ hasText: / of \d+: |Approving|Rejecting|Opened/ });
const pending = async () =>
  (await p.json<{ items: Item[] }>('/suggestions?status=pending', { token: kay.token })).body.items;

/** Presses j until the row of `id` is the current one. */
async function moveTo(id: string): Promise<void> {
  for (let i = 0; i < 60 && (await focusedId()) !== `review-${id}`; i++) await page.keyboard.press('j');
  assert.equal(await focusedId(), `review-${id}`);
}

test('the inbox by keyboard', { skip: unavailable }, async (t) => {
  await t.test('j and k move through the list, and each move is said', async () => {
    await page.goto(`${p.platform.origin}/suggestions`);
    const rows = page.getByRole('list', { name: 'Suggestions' }).getByRole('listitem');
    await rows.first().waitFor();
    assert.ok((await rows.count()) >= 3, 'the run proposed a few things');
    await page.keyboard.press('j');
    const first = await focusedId();
    assert.match(first, /^review-/);
    await said()
      .getByText(/^1 of \d+: /)
      .waitFor();
    await page.keyboard.press('j');
    await said()
      .getByText(/^2 of \d+: /)
      .waitFor();
    assert.notEqual(await focusedId(), first);
    await page.keyboard.press('k');
    assert.equal(await focusedId(), first);
    await said()
      .getByText(/^1 of \d+: /)
      .waitFor();
  });

  await t.test('keys typed while in a field are the field’s', async () => {
    const before = await focusedId();
    await page.getByRole('combobox', { name: 'Kind' }).focus();
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    assert.equal((await pending()).length >= 3, true, 'nothing was rejected');
    await page.keyboard.press('Escape');
    await page.locator(`#${before}`).focus();
  });

  await t.test('? lists the keys', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Next suggestion').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await help.getByRole('button', { name: 'Close' }).click();
    await help.waitFor({ state: 'detached' });
  });

  await t.test('o opens the current suggestion', async () => {
    const id = (await focusedId()).replace(/^review-/, '');
    await page.locator(`#review-${id}`).focus();
    await page.keyboard.press('o');
    await page
      .getByRole('dialog')
      .getByText(/^What (will happen|it did)/)
      .waitFor();
    assert.equal(new URL(page.url()).searchParams.get('open'), id);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  await t.test('r rejects the current suggestion', async () => {
    const target = (await pending())[0]!;
    await page.locator(`#review-${target.id}`).focus();
    await page.keyboard.press('r');
    await eventually(
      () => p.json<Item>(`/suggestions/${target.id}`, { token: kay.token }),
      (r) => r.body.status === 'rejected',
      'the suggestion to be rejected',
    );
    await page.getByText('Rejected. Nothing was done.').waitFor();
  });

  await t.test('a approves one that does not send, and opens one that sends mail instead', async () => {
    const items = await pending();
    const quiet = items.find((s) => !s.sends && !s.riskFlags.some((f) => f.blocking));
    const sending = items.find((s) => s.sends);
    assert.ok(quiet, 'a suggestion that sends nothing');
    assert.ok(sending, 'a suggestion that sends mail');
    // The approval's answer is held back, to act while it is being saved, as on a slow connection.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let approving = () => {};
    const seen = new Promise<void>((resolve) => (approving = resolve));
    await page.route('**/api/suggestions/*/approve', async (route) => {
      approving();
      await held;
      await route.continue();
    });
    await page.keyboard.press('k');
    await moveTo(quiet.id);
    await page.keyboard.press('a');
    await seen;

    await page.locator(`#review-${sending.id}`).focus();
    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/^What will happen/).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('open'), sending.id);

    release();
    await page.getByText('Approved.', { exact: true }).waitFor();
    assert.notEqual((await p.json<Item>(`/suggestions/${quiet.id}`, { token: kay.token })).body.status, 'pending');
    assert.equal(new URL(page.url()).searchParams.get('open'), sending.id, 'the late answer left the open one open');
    assert.equal(await dialog.getByText(/^What will happen/).isVisible(), true);
    const still = await p.json<Item>(`/suggestions/${sending.id}`, { token: kay.token });
    assert.equal(still.body.status, 'pending', 'nothing was sent by a single key');
    await page.unroute('**/api/suggestions/*/approve');
  });

  await t.test('a kind in the address filters the list, so it can be linked to (recorded tasks)', async () => {
    if (page.url().includes('open=')) await page.keyboard.press('Escape');
    const kinds = (await pending()).map((s) => (s as Item & { kind: string }).kind);
    const kind = kinds[0]!;
    await page.goto(`${p.platform.origin}/suggestions?kind=${encodeURIComponent(kind)}`);
    const rows = page.getByRole('list', { name: 'Suggestions' }).getByRole('listitem');
    await rows.first().waitFor();
    assert.equal(await rows.count(), kinds.filter((k) => k === kind).length);
    assert.match(await page.getByRole('combobox', { name: 'Kind' }).innerText(), /\S/);
  });

  await t.test('no console errors on the way', () => assert.deepEqual(consoleErrors, []));
});
