/**
 * Sending from the web app, in Chromium against the local platform and the Gmail emulator: replies are sent with
 * "Send", held for the person's undo window, and Undo within it means nothing reaches the mailbox; without a window
 * there is no Undo; bulk approval that sends mail asks first and says how many emails will go out.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import type { MailSummary } from '../../shared/connectors/types';
import { approvalInstanceId } from '../../shared/suggestions/approval-orchestrator';
import { browserUnavailable, launchBrowser, newContext, seriousViolations, watchConsole } from '../support/browser';
import { connectGmail, type ConnectedGmail } from '../support/gmail';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { origin } from '../support/suggestion-services';

const unavailable = browserUnavailable();
const EMAIL = 'lin@example.com';

let p: TestPlatform;
let lin: Person;
let inbox: MailSummary[] = [];
let reply: ConnectedGmail['reply'];
let sentWith: ConnectedGmail['sentWith'];
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

async function propose(marker: string, index = 0): Promise<string> {
  const [id] = await p.services
    .suggestions()
    .propose(origin(lin.tenantId), [reply(inbox[index]!, `Thanks. ${marker}`)]);
  return id!;
}

/** The suggestion's approval wait has finished (its hold included) and says how the suggestion ended. */
async function approvalEnded(id: string): Promise<unknown> {
  const status = await eventually(
    () => p.durableClient().getStatus(approvalInstanceId(lin.tenantId, id)),
    (s) => s?.runtimeStatus === 'Completed',
    `the approval wait of ${id} to finish`,
    60_000,
  );
  return status.output;
}

async function setUndoSend(seconds: number): Promise<void> {
  const res = await p.json('/me', { method: 'PATCH', token: lin.token, json: { undoSendSeconds: seconds } });
  assert.equal(res.status, 200);
}

/** Opens the reply as a person reads it: the draft, and beside it the mail it answers, loaded from the account. */
async function openSuggestion(id: string): Promise<void> {
  await page.goto(`${p.platform.origin}/suggestions/${id}`);
  const dialog = page.getByRole('dialog');
  await dialog.getByText('What will happen').waitFor();
  await dialog.getByLabel('Text of the mail').waitFor();
}

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  lin = await p.person(EMAIL, 'Lin');
  const gmail = await connectGmail(p, lin);
  ({ reply, sentWith } = gmail);
  inbox = gmail.inbox.filter((m) => m.from.email !== GOOGLE_DEMO_USER.email);
  assert.ok(inbox.length >= 2, 'the demo mailbox has messages from other people');
  browser = await launchBrowser();
  const context = await newContext(browser);
  page = await context.newPage();
  consoleErrors = watchConsole(page);
  await page.goto(`${p.platform.origin}/suggestions`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Name').fill('Lin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Suggestions' }).waitFor();
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

test('sending mail from the app', { skip: unavailable }, async (t) => {
  await t.test('the undo-send window is a setting the person can change', async () => {
    await page.goto(`${p.platform.origin}/settings`);
    const field = page.getByRole('combobox', { name: 'Undo send' });
    await field.click();
    await page.getByRole('option', { name: '20 seconds' }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    const me = await p.json<{ undoSendSeconds: number }>('/me', { token: lin.token });
    assert.equal(me.body.undoSendSeconds, 20);
    const refused = await p.json<{ errors?: { path: string }[] }>('/me', {
      method: 'PATCH',
      token: lin.token,
      json: { undoSendSeconds: 600 },
    });
    assert.equal(refused.status, 400, 'an undo window longer than mail apps offer is refused');
  });

  await t.test('Send holds the reply; Undo within the window means nothing reaches the mailbox', async () => {
    const marker = `undone-${Date.now().toString(36)}`;
    const id = await propose(marker);
    await openSuggestion(id);
    const dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByRole('button', { name: 'Approve', exact: true }).count(), 0, 'a reply says Send');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    const toast = page.getByRole('alert').filter({ hasText: /Sending in \d+ seconds/ });
    await toast.waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Sending cancelled. Nothing was sent.').waitFor();
    assert.equal(await approvalEnded(id), 'undone', 'the approval wait ends without carrying it out');
    const view = await p.json<{ status: string; execution?: unknown }>(`/suggestions/${id}`, { token: lin.token });
    assert.equal(view.body.status, 'undone');
    assert.equal(view.body.execution, undefined, 'nothing was attempted at the provider');
    assert.equal(await sentWith(marker), 0, 'nothing reached the Gmail emulator');
  });

  await t.test('without Undo, the held reply goes out once its window has passed', async () => {
    await setUndoSend(5);
    const marker = `sent-${Date.now().toString(36)}`;
    const id = await propose(marker, 1);
    await openSuggestion(id);
    await page.getByRole('dialog').getByRole('button', { name: 'Send', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Sending in \d+ seconds?/ })
      .waitFor();
    const view = await p.json<{ status: string; heldUntil?: string }>(`/suggestions/${id}`, { token: lin.token });
    assert.equal(view.body.status, 'approved', 'held, not sent yet');
    assert.ok(view.body.heldUntil, 'the API says until when it is held');
    assert.equal(await sentWith(marker), 0, 'nothing is sent while it is held');
    assert.equal(await approvalEnded(id), 'executed');
    assert.ok(Date.now() >= Date.parse(view.body.heldUntil!), 'it went out after the window, not before');
    assert.equal(await sentWith(marker), 1);
  });

  await t.test('with the window turned off, a reply is sent at once and no Undo is offered', async () => {
    await setUndoSend(0);
    const marker = `now-${Date.now().toString(36)}`;
    const id = await propose(marker);
    await openSuggestion(id);
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/suggestions/${id}/approve`));
    await page.getByRole('dialog').getByRole('button', { name: 'Send', exact: true }).click();
    assert.equal((await answer).status(), 200, 'Send asked the API to approve it');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    const toast = page.getByRole('alert').filter({ hasText: 'Sending now.' });
    await toast.waitFor();
    assert.equal(await toast.getByRole('button', { name: 'Undo' }).count(), 0, 'no Undo that cannot work');
    assert.equal(await approvalEnded(id), 'executed');
    const undo = await p.json<{ detail: string }>(`/suggestions/${id}/undo`, { method: 'POST', token: lin.token });
    assert.equal(undo.status, 409);
    assert.match(undo.body.detail, /cannot be called back/);
  });

  await t.test('closing an edited draft asks first, and keeping it keeps the edit', async () => {
    const marker = `draft-${Date.now().toString(36)}`;
    const id = await propose(marker);
    await openSuggestion(id);
    const dialog = page.getByRole('dialog', { name: /Send a reply/ });
    await dialog.getByRole('button', { name: 'Edit' }).click();
    const body = dialog.getByLabel('Message');
    await body.fill(`${await body.inputValue()} and one more line`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    const ask = page.getByRole('dialog', { name: 'Discard your changes?' });
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await ask.waitFor({ state: 'detached' });
    assert.match(await body.inputValue(), /and one more line$/, 'the edit is still there');
    await page.keyboard.press('Escape');
    await ask.getByRole('button', { name: 'Discard' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).searchParams.get('open'), null, 'the suggestion is closed');
    const after = await p.json<{ status: string; payload: { body: string } }>(`/suggestions/${id}`, {
      token: lin.token,
    });
    assert.equal(after.body.status, 'pending');
    assert.doesNotMatch(after.body.payload.body, /one more line/, 'nothing was saved');
    await p.json(`/suggestions/${id}/reject`, { method: 'POST', token: lin.token, json: {} });
  });

  await t.test('a refused edit is explained next to its field, which takes the focus', async () => {
    const id = await propose(`wrong-${Date.now().toString(36)}`);
    await openSuggestion(id);
    const dialog = page.getByRole('dialog', { name: /Send a reply/ });
    await dialog.getByRole('button', { name: 'Edit' }).click();
    const to = dialog.getByLabel('To', { exact: true });
    await to.fill(`${await to.inputValue()}, not-an-address`);
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByRole('button', { name: 'Send with changes' }).click();
    const field = dialog.locator('.MuiFormControl-root', { has: page.getByLabel('To', { exact: true }) });
    await field.getByText(/must be an email address/).waitFor();
    assert.doesNotMatch(await dialog.innerText(), /body\.|edits\./, 'no field paths shown to the person');
    const focused = await page.evaluate<string | null>('document.activeElement && document.activeElement.id');
    assert.equal(focused, await to.getAttribute('id'), 'the field has the focus');
    await p.json(`/suggestions/${id}/reject`, { method: 'POST', token: lin.token, json: {} });
    await page.goto(`${p.platform.origin}/suggestions`);
  });

  await t.test('bulk approval of replies asks first and says how many emails will be sent', async () => {
    await setUndoSend(10);
    const markers = [`bulk-a-${Date.now().toString(36)}`, `bulk-b-${Date.now().toString(36)}`];
    for (const [i, m] of markers.entries()) await propose(m, i);
    await page.goto(`${p.platform.origin}/suggestions`);
    const list = page.getByRole('list', { name: 'Suggestions' });
    await list.getByRole('listitem').first().waitFor();
    const pending = await list.getByRole('listitem').count();
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('button', { name: `Approve selected (${pending})` }).click();
    const confirm = page.getByRole('dialog', { name: `Send ${pending} emails?` });
    await confirm.waitFor();
    assert.match(await confirm.innerText(), new RegExp(`${pending} of them to people outside your own address`));
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    const still = await p.json<{ items: unknown[] }>('/suggestions?status=pending', { token: lin.token });
    assert.equal(still.body.items.length, pending, 'cancelling approves nothing');
    await page.getByRole('button', { name: `Approve selected (${pending})` }).click();
    await confirm.getByRole('button', { name: `Send ${pending} emails` }).click();
    await page.getByText(`${pending} approved.`).waitFor();
  });

  await t.test('no console errors on the way', () => {
    // The refused edit is the one failed request the page makes on purpose.
    const provoked = (e: string) => /status of 400 .*\/api\/suggestions\/[^/]+\/approve$/.test(e);
    assert.deepEqual(
      consoleErrors.filter((e) => !provoked(e)),
      [],
    );
  });
});
