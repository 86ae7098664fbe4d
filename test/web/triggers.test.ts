/**
 * Event triggers in the web app, in Chromium against the local platform and the Gmail emulator (polled every second),
 * with the keyboard only: a person whose Google account gives mail access (not calendar or files) adds "When new mail
 * arrives" with a sender filter to an agent, is told in words what is wrong with the filter, saves, sees the trigger
 * and how the mailbox is watched; a matching mail arrives and the trigger shows the run it started. Kinds whose
 * account is not connected are not offered. The page also works on a 390px phone and is axe-clean.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { browserUnavailable, launchBrowser, newContext, seriousViolations, watchConsole } from '../support/browser';
import { eventually } from '../support/platform';
import { createAgent, importMail, pollEntry, runsOf, startEventsWorld, type EventsWorld } from '../events/support';

const unavailable = browserUnavailable();

let w: EventsWorld;
let browser: Browser;
let agentId = '';

before(async () => {
  if (unavailable) return;
  w = await startEventsWorld({
    pollSeconds: 1,
    consent: { families: ['mail'] },
    settings: { TIER_LIMITS: '{"free":{"eventTriggers":1}}' },
  });
  agentId = await createAgent(w, { templateId: 'inbox-triage', name: 'Triage' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await w?.p.platform.stop();
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${w.p.platform.origin}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(w.person.email);
  await page.getByLabel('Name').fill('Eve');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: /Hello, Eve/ }).waitFor();
}

async function openAgent(page: Page): Promise<void> {
  await page.goto(`${w.p.platform.origin}/agents/${agentId}`);
  await page.getByRole('heading', { name: 'Run when something changes' }).waitFor();
  await page.getByLabel('When new mail arrives').waitFor();
}

test('an event trigger edited with the keyboard', { skip: unavailable }, async (t) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const consoleErrors = watchConsole(page);
  await signIn(page);

  await t.test('kinds whose account is not connected are not offered, and say what to connect', async () => {
    await openAgent(page);
    assert.equal(await page.getByLabel('When my calendar changes').isDisabled(), true);
    assert.equal(await page.getByLabel('When my files change').isDisabled(), true);
    await page.getByText('Connect Google Calendar or Outlook first').waitFor();
    await page.getByText('Connect Google Drive or OneDrive first').waitFor();
    assert.equal(await page.getByLabel('When new mail arrives').isDisabled(), false);
  });

  await t.test('a wrong sender is explained next to the field; a right one is saved', async () => {
    await page.getByLabel('When new mail arrives').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('priya');
    assert.equal(await page.getByLabel('Only from this sender').inputValue(), 'priya', 'Tab led to the sender');
    await page.keyboard.press('Enter');
    await page.getByText('Enter a full address, such as anna@example.com.').waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'accessibility with the error shown');

    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('priya@northwind.example');
    await page.keyboard.press('Enter');
    await page.getByText('Saved Triage.').waitFor();
    const saved = await w.p.json<{ events: unknown[] }>(`/agents/${agentId}`, { token: w.person.token });
    assert.deepEqual(saved.body.events, [{ on: 'mail.received', filter: { sender: 'priya@northwind.example' } }]);
  });

  await t.test('the saved trigger is listed with how the mailbox is watched', async () => {
    await openAgent(page);
    assert.equal(await page.getByLabel('When new mail arrives').isChecked(), true);
    assert.equal(await page.getByLabel('Only from this sender').inputValue(), 'priya@northwind.example');
    await page.getByText('Has not started a run yet').waitFor();
    await page.getByText(`Gmail (${GOOGLE_DEMO_USER.email}): checked for changes every second`).waitFor();
    assert.deepEqual(await seriousViolations(page), [], 'accessibility of the listed trigger');
  });

  await t.test('a matching mail starts a run, shown on the trigger with a link to it', async () => {
    // The poller's first look at the mailbox is its starting point; the mail arrives after it.
    await eventually(
      () => pollEntry(w, 'mail'),
      (e) => Boolean(e?.cursor),
      'the first look at the mailbox',
    );
    await importMail(w, {
      from: 'Priya Shah <priya@northwind.example>',
      subject: 'Can you review the Q4 budget draft?',
      text: 'Could you take a look at the budget before Friday? Let me know what you think.',
    });
    const [run] = await eventually(
      () => runsOf(w, agentId),
      (runs) => runs.some((r) => r.trigger.type === 'event'),
      'the run the mail started',
      60_000,
    );
    const started = page.getByText(/^Last started a run /);
    await started.waitFor({ timeout: 60_000 });
    const link = page.getByRole('link', { name: 'View run' });
    assert.equal(await link.getAttribute('href'), `/runs/${run!.id}`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/runs/${run!.id}`);
  });

  await t.test("a workflow's trigger past the plan's limit is refused in words on its page", async () => {
    const created = await w.p.json<{ id: string }>('/workflows', {
      token: w.person.token,
      json: { name: 'Mail flow', mode: 'sequential', steps: [{ agentId }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await page.goto(`${w.p.platform.origin}/workflows/${created.body.id}`);
    await page.getByRole('heading', { name: 'Run when something changes' }).waitFor();
    await page.getByLabel('When new mail arrives').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save changes' }).focus();
    await page.keyboard.press('Enter');
    const refusal = page.getByText(
      'Your free plan allows 1 event trigger across your agents and workflows; this change would make 2.',
      { exact: false },
    );
    await refusal.waitFor();
    assert.equal(await refusal.count(), 1, 'said once, beside the triggers');
    const workflow = await w.p.json<{ events: unknown[] }>(`/workflows/${created.body.id}`, { token: w.person.token });
    assert.deepEqual(workflow.body.events, [], 'nothing was saved');
  });

  await t.test('no console errors but the refused saves', () =>
    assert.deepEqual(
      consoleErrors.filter(
        (e) => !/status of (400 \(Bad Request\)|429 \(Too Many Requests\)) @ .*\/api\/(agents|workflows)\//.test(e),
      ),
      [],
    ),
  );
  await context.close();
});

test('the trigger editor on a 390px phone', { skip: unavailable }, async () => {
  const context = await newContext(browser, true);
  const page = await context.newPage();
  await signIn(page);
  await openAgent(page);
  await page.getByText(/checked for changes every second/).waitFor();
  const overflow = await page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  assert.ok(overflow <= 0, `the agent page scrolls sideways by ${overflow}px`);
  const sender = page.getByLabel('Only from this sender');
  await sender.scrollIntoViewIfNeeded();
  const box = (await sender.boundingBox())!;
  assert.ok(box.x >= 0 && box.x + box.width <= 390.5, 'the filter field fits the screen');
  assert.deepEqual(await seriousViolations(page), []);
  await context.close();
});
