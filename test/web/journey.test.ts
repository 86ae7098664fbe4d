/**
 * The web app end to end, in Debian's Chromium against the local platform: a person signs in through the dev OIDC
 * issuer, uses every screen, and the checks a person would notice hold on each (no serious accessibility
 * violations, no console errors, plain-word errors). Screenshots: test-results/screenshots/<screen>.png.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { eventually, patience } from '../support/eventually';
import { scopeLabels } from '../../shared/connectors/scope-labels';
import {
  browserUnavailable,
  launchBrowser,
  newContext,
  screenshot,
  SCREENSHOTS,
  seriousViolations,
  watchConsole,
} from '../support/browser';

const unavailable = browserUnavailable();
const EMAIL = 'ada@example.com';
/** The demo person of the local Google emulator. */
const GOOGLE_ACCOUNT = 'alex.morgan@gmail.example';
const EDIT_MARK = `Edited before sending ${Date.now().toString(36)}`;
const DIGEST = 'Morning Digest';
const COORDINATOR = 'Briefing Coordinator';
const WORKFLOW = 'Morning briefing';

let platform: LocalPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];
let routes = new Set<string>();
/** Failed requests a step provokes on purpose (refused input, a stale copy, a run that finished first). */
const expectedFailures: RegExp[] = [];
const expectFailure = (pattern: RegExp) => expectedFailures.push(pattern);
/** The path of the run the first person started (another person must not see it). */
let runPath = '';

/** API operations the running app registered ("GET /agents"), from its OpenAPI document. */
async function registeredRoutes(): Promise<Set<string>> {
  const doc = (await (await platform.api('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const out = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths))
    for (const method of Object.keys(ops)) out.add(`${method.toUpperCase()} ${path.replace(/^\/api/, '')}`);
  return out;
}

function missing(...needed: string[]): string | undefined {
  const absent = needed.filter((r) => !routes.has(r));
  return absent.length ? `the API does not offer ${absent.join(', ')} yet` : undefined;
}

/** Waits until the emulated Gmail's sent mail holds a message containing `text`; false if it never does. */
async function waitForSentMail(text: string): Promise<boolean> {
  const base = platform.settings.GOOGLE_EMULATOR!.replace(/\/$/, '');
  const headers = { authorization: 'Bearer emulator' };
  const sentHasIt = async () => {
    const list = (await (
      await fetch(`${base}/gmail/v1/users/me/messages?labelIds=SENT&maxResults=50`, { headers })
    ).json()) as { messages?: { id: string }[] };
    for (const { id } of list.messages ?? []) {
      const message = (await (
        await fetch(`${base}/gmail/v1/users/me/messages/${id}?format=raw`, { headers })
      ).json()) as { raw?: string };
      if (!message.raw) continue;
      const parsed = await simpleParser(Buffer.from(message.raw, 'base64url'));
      if (parsed.text?.includes(text)) return true;
    }
    return false;
  };
  return eventually(sentHasIt, Boolean, `a sent message containing "${text}"`).catch(() => false);
}

/** A failed request to an endpoint the running API does not register (yet): "GET /api/agents?limit=100" -> "GET /agents". */
function fromAbsentRoute(error: string): boolean {
  const match = /status of 404 \(Not Found\) @ https?:\/\/[^/]+\/api(\/[^?\s]*)/.exec(error);
  if (!match) return false;
  const path = match[1]!;
  const known = [...routes].some((r) => {
    const pattern = new RegExp(`^[A-Z]+ ${r.split(' ')[1]!.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(`GET ${path}`);
  });
  return !known;
}

/** Console errors of our own pages (the provider's consent page is not ours). */
function ours(errors: string[]): string[] {
  return errors.filter((e) => !/ @ https?:\/\//.test(e) || e.includes(`@ ${platform.origin}/`));
}

/** Waits for the screen's heading, lets data settle, checks accessibility and saves a screenshot. */
async function checkScreen(name: string, heading: string | RegExp): Promise<void> {
  try {
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: patience(15_000) });
  } catch (err) {
    await screenshot(page, `failed-${name}`);
    throw new Error(
      `${name} did not show its heading (screenshot failed-${name}.png); console: ${consoleErrors.slice(-5).join(' | ')}`,
      { cause: err },
    );
  }
  await settle(name);
}

/** Lets data load, then checks accessibility and saves a screenshot of what is on screen. */
async function settle(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page
    .locator('[role="status"]')
    .first()
    .waitFor({ state: 'detached', timeout: patience(15_000) })
    .catch(() => {});
  // Dialogs fade in and buttons change colour: check contrast once nothing is moving.
  // A function, not a string: Playwright compiles string predicates with eval, which the web app's CSP refuses.
  const stillAnimations = () =>
    (globalThis as unknown as { document: { getAnimations(): { playState: string }[] } }).document
      .getAnimations()
      .every((a) => a.playState !== 'running');
  await page.waitForFunction(stillAnimations, undefined, { timeout: patience(5_000) }).catch(() => {});
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `accessibility problems on ${name}`);
  await screenshot(page, name);
}

async function openFromNav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

before(async () => {
  if (unavailable) return;
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  platform = await startLocalPlatform();
  routes = await registeredRoutes();
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});

after(async () => {
  await browser?.close();
  await platform?.stop();
});

test('the web app', { skip: unavailable }, async (t) => {
  await t.test('client-config gives the web app its issuer, client id, scopes and API base', async () => {
    const response = await platform.api('/client-config');
    assert.equal(response.status, 200);
    const config = (await response.json()) as Record<string, string>;
    assert.equal(config.authority, `${platform.origin}/dev/oidc`);
    assert.equal(config.clientId, platform.settings.AUTH_SPA_CLIENT_ID ?? 'personal-agents-web');
    assert.match(config.scopes!, /openid/);
    assert.equal(config.apiBase, '/api');
  });

  await t.test('a person signs in through the issuer and lands on Home', async () => {
    const shell = await page.goto(`${platform.origin}/settings`);
    // The whole journey runs under the web app's Content Security Policy: a violation is a console error.
    const csp = shell?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(shell?.headers()['x-content-type-options'], 'nosniff');
    assert.ok(shell?.headers()['referrer-policy']);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dev\/oidc\/authorize/);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where they started, signed in.
    await checkScreen('settings', 'Settings');
    assert.equal(new URL(page.url()).pathname, '/settings');
    assert.equal(new URL(page.url()).search, '', 'the authorization code is removed from the address bar');
    await openFromNav('Home');
    await checkScreen('home', /Hello, Ada/);
    await page.getByText('Your plan: Free').waitFor();
  });

  await t.test('connects the emulated Google account through its consent page', async (st) => {
    const absent = missing('POST /connectors/{provider}/authorize', 'GET /connectors');
    if (absent || !platform.settings.GOOGLE_EMULATOR) return st.skip(absent ?? 'no Google emulator in this runtime');
    await openFromNav('Connectors');
    await checkScreen('connectors-empty', 'Connectors');
    await page.getByText('Nothing connected yet').waitFor();
    await page.getByRole('button', { name: 'Connect Google' }).click();
    await page.waitForURL((url) => url.origin === new URL(platform.settings.GOOGLE_EMULATOR!).origin);
    await page.getByRole('button', { name: new RegExp(GOOGLE_ACCOUNT) }).click();
    await page.waitForURL(/\/connectors\?connected=google/);
    await checkScreen('connectors', 'Connectors');
    await page.getByText('Google is connected.').waitFor();
    const card = page.getByRole('article', { name: `Google ${GOOGLE_ACCOUNT}` });
    await card.waitFor();
    await card.getByText('Healthy').waitFor();
  });

  await t.test('installs Inbox Assistant after a consent screen listing exactly its permissions', async (st) => {
    const absent = missing(
      'GET /catalog/packs/{packId}',
      'POST /packs/{packId}/install',
      'GET /agents',
      'GET /workflows',
    );
    if (absent) return st.skip(absent);
    const token = await platform.token(EMAIL);
    const response = await platform.api('/catalog/packs/inbox-assistant', { token });
    assert.equal(response.status, 200);
    const pack = (await response.json()) as { scopes: Record<string, string[]> };
    await openFromNav('Catalog');
    await checkScreen('catalog', 'Catalog');
    await page.getByRole('link', { name: 'Install Inbox Assistant' }).click();
    await checkScreen('pack-consent', 'Install Inbox Assistant');
    for (const [provider, scopes] of Object.entries(pack.scopes)) {
      const list = page.getByRole('list', { name: `Permissions for ${provider}` });
      const labels = scopeLabels(scopes);
      const shown = await list.getByRole('listitem').count();
      assert.equal(shown, labels.length, `the consent screen lists exactly the ${provider} permissions, in words`);
      for (const label of labels) await list.getByText(label, { exact: true }).waitFor();
      assert.equal(await list.getByText(/https?:\/\//).count(), 0, 'no raw scope URLs');
    }
    // The account was connected read-only: the pack's sending and labelling are asked for now, then it installs.
    await page.getByRole('region', { name: `Permissions to grant on Google ${GOOGLE_ACCOUNT}` }).waitFor();
    await page.getByRole('button', { name: 'Grant access and install' }).click();
    await page.waitForURL((url) => url.origin === new URL(platform.settings.GOOGLE_EMULATOR!).origin);
    await page.getByRole('button', { name: new RegExp(GOOGLE_ACCOUNT) }).click();
    await page.waitForURL(/\/agents$/);
    await checkScreen('agents', 'Agents');
    await page.getByText('Inbox Assistant is installed.').waitFor();
    await page.getByRole('article', { name: 'Inbox Triage' }).waitFor();
    await page.getByRole('article', { name: 'Reply Drafter' }).waitFor();
    await page.getByRole('article', { name: 'Workflow Inbox Assistant' }).waitFor();
  });

  await t.test('runs it and watches its progress to the end', async (st) => {
    const absent = missing('POST /orchestration/runs', 'GET /orchestration/runs/{runId}');
    if (absent) return st.skip(absent);
    await page.getByRole('button', { name: 'Run now: workflow Inbox Assistant' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    runPath = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: 'Inbox Assistant' }).waitFor();
    const progress = page.getByRole('region', { name: 'Progress' });
    await progress.getByText('Completed').waitFor({ timeout: 90_000 });
    await checkScreen('run', 'Inbox Assistant');
    const steps = page.getByRole('table', { name: 'Steps' });
    await steps.getByRole('row', { name: /Inbox Triage.*Completed/ }).waitFor();
    await steps.getByRole('row', { name: /Reply Drafter.*Completed/ }).waitFor();
    await page.getByRole('region', { name: 'Suggestions from this run' }).getByRole('link').first().waitFor();
    await openFromNav('Runs');
    await checkScreen('runs', 'Runs');
    await page.getByRole('table', { name: 'Runs' }).getByRole('link', { name: 'Inbox Assistant' }).first().waitFor();
  });

  await t.test('edits a drafted reply, approves it, and it is sent from the mailbox', async (st) => {
    const absent =
      missing('POST /suggestions/{id}/approve') ??
      (platform.settings.GOOGLE_EMULATOR ? undefined : 'no Google emulator');
    if (absent) return st.skip(absent);
    await openFromNav('Suggestions');
    await checkScreen('suggestions', 'Suggestions');
    const replies = page
      .getByRole('list', { name: 'Suggestions' })
      .getByRole('button', { name: /^Review Send a reply/ });
    assert.ok((await replies.count()) >= 2, 'the run drafted at least two replies');
    await replies.first().click();
    const suggestionId = new URL(page.url()).searchParams.get('open')!;
    const dialog = page.getByRole('dialog');
    await dialog.getByText('What will happen').waitFor();
    await settle('suggestion');
    await dialog.getByRole('button', { name: 'Edit' }).click();
    const body = dialog.getByLabel('Message');
    await body.fill(`${await body.inputValue()}\n\n${EDIT_MARK}`);
    await dialog.getByRole('button', { name: 'Preview changes' }).click();
    await dialog.getByText('What will happen, with your changes').waitFor();
    await dialog.locator('ins', { hasText: EDIT_MARK }).waitFor();
    await screenshot(page, 'suggestion-diff');
    // A reply sends mail: the button says so, and the reply waits out the undo-send window before it goes out.
    await dialog.getByRole('button', { name: 'Send with changes' }).click();
    await page.getByText('Approved with your changes.').waitFor();
    const sent = await waitForSentMail(EDIT_MARK);
    const token = await platform.token(EMAIL);
    const after = (await (await platform.api(`/suggestions/${suggestionId}`, { token })).json()) as {
      status: string;
      execution?: unknown;
    };
    assert.ok(sent, `the edited reply reached the mailbox (suggestion: ${JSON.stringify(after)})`);
    // The person sees it carried out.
    await page.getByRole('tab', { name: 'Done' }).click();
    await page.getByRole('list', { name: 'Suggestions' }).getByText('Executed').first().waitFor();
    await page.getByRole('tab', { name: 'To review' }).click();
  });

  await t.test('rejects another suggestion with a reason', async (st) => {
    const absent = missing('POST /suggestions/{id}/reject');
    if (absent) return st.skip(absent);
    const list = page.getByRole('list', { name: 'Suggestions' });
    const review = list.getByRole('button', { name: /^Review Send a reply/ }).first();
    const name = (await review.getAttribute('aria-label'))!;
    await review.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.getByLabel('Reason (optional)').fill('Not needed');
    await dialog.getByRole('button', { name: 'Confirm reject' }).click();
    await page.getByText('Rejected. Nothing was done.').waitFor();
    await list.getByRole('button', { name, exact: true }).waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Rejected' }).click();
    await page.getByRole('list', { name: 'Suggestions' }).getByText('Rejected').first().waitFor();
  });

  await t.test('approves the rest in bulk and undoes one of them', async (st) => {
    const absent = missing('POST /suggestions/bulk', 'POST /suggestions/{id}/undo');
    if (absent) return st.skip(absent);
    await page.getByRole('tab', { name: 'To review' }).click();
    const list = page.getByRole('list', { name: 'Suggestions' });
    await list.getByRole('listitem').first().waitFor();
    const remaining = await list.getByRole('listitem').count();
    assert.ok(remaining >= 1, 'label suggestions are left to approve');
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByRole('button', { name: `Approve selected (${remaining})` }).click();
    // Replies among them send mail: the app asks first and says how many.
    const sendConfirm = page.getByRole('dialog', { name: /^Send \d+ emails?\?$/ });
    await Promise.race([sendConfirm.waitFor(), page.getByText(`${remaining} approved.`).waitFor()]);
    if (await sendConfirm.isVisible()) await sendConfirm.getByRole('button', { name: /^Send \d+ emails?$/ }).click();
    await page.getByText(`${remaining} approved.`).waitFor();
    await page.getByText("You're all caught up").waitFor();
    await page.getByRole('tab', { name: 'Done' }).click();
    const label = list
      .getByRole('listitem')
      .filter({ hasText: /^Label/ })
      .filter({ hasText: 'Executed' })
      .first();
    await label.waitFor({ timeout: 30_000 });
    await label.getByRole('button', { name: /^Review/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/Undo available/).waitFor();
    await dialog.getByRole('button', { name: 'Undo' }).click();
    await page.getByText('Undone.').waitFor();
    const token = await platform.token(EMAIL);
    const undone = (await (await platform.api('/suggestions?status=undone', { token })).json()) as { items: unknown[] };
    assert.equal(undone.items.length, 1);
  });

  await t.test('edits an agent: schedule with the cron builder, next run times, enable and disable', async (st) => {
    const absent = missing('PATCH /agents/{agentId}');
    if (absent) return st.skip(absent);
    await openFromNav('Agents');
    await page.getByRole('article', { name: 'Reply Drafter' }).getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reply Drafter' }).waitFor();
    await page.getByRole('region', { name: 'Settings' }).waitFor();
    await page.getByLabel('Run on a schedule').check();
    await page.getByRole('combobox', { name: 'How often' }).click();
    await page.getByRole('option', { name: 'Once a week' }).click();
    await page.getByRole('combobox', { name: 'Day' }).click();
    await page.getByRole('option', { name: 'Friday' }).click();
    await page.getByLabel('Time', { exact: true }).fill('09:30');
    const next = page.getByRole('list', { name: 'Next run times' }).getByRole('listitem');
    await next.first().waitFor();
    assert.equal(await next.count(), 5);
    for (const text of await next.allInnerTexts()) assert.match(text, /^Fri/, 'every next run is on a Friday');
    await settle('agent');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved Reply Drafter.').waitFor();
    const token = await platform.token(EMAIL);
    const agents = (await (await platform.api('/agents', { token })).json()) as {
      items: { id: string; name: string; enabled: boolean; schedule: { cron: string } | null }[];
    };
    const drafter = agents.items.find((a) => a.name === 'Reply Drafter')!;
    assert.equal(drafter.schedule?.cron, '30 9 * * 5');
    await page.waitForLoadState('networkidle');
    const toggle = page.getByRole('article', { name: 'Reply Drafter' }).getByLabel('Reply Drafter enabled');
    await toggle.setChecked(false, { timeout: 5000 }).catch(async (err) => {
      await screenshot(page, 'failed-agent-switch');
      const html = await page.getByRole('article', { name: 'Reply Drafter' }).innerHTML();
      throw new Error(`could not switch: ${html}`, { cause: err });
    });
    const { enabled } = await eventually(
      async () => (await (await platform.api(`/agents/${drafter.id}`, { token })).json()) as { enabled: boolean },
      (agent) => !agent.enabled,
      'the switch to disable the agent',
    );
    assert.equal(enabled, false, 'the switch disabled the agent');

    // The pack's workflow runs on working hours; move it to once a day.
    await page.getByRole('button', { name: 'Schedule: workflow Inbox Assistant' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule of Inbox Assistant' });
    // Its "0 8-18 * * 1-5" opens in the builder as what it is.
    assert.equal(
      await dialog.getByRole('combobox', { name: 'How often' }).innerText(),
      'Every hour during working hours',
    );
    assert.equal(await dialog.getByRole('combobox', { name: 'From', exact: true }).innerText(), '08:00');
    assert.equal(await dialog.getByRole('combobox', { name: 'Until' }).innerText(), '18:00');
    await dialog.getByRole('combobox', { name: 'How often' }).click();
    await page.getByRole('option', { name: 'Every day' }).click();
    await dialog.getByLabel('Time', { exact: true }).fill('07:15');
    await dialog.getByRole('list', { name: 'Next run times' }).getByRole('listitem').first().waitFor();
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('article', { name: 'Workflow Inbox Assistant' })
      .getByText(/Every day at 07:15/)
      .waitFor();
    const workflows = (await (await platform.api('/workflows', { token })).json()) as {
      items: { name: string; schedule: { cron: string } | null }[];
    };
    assert.equal(workflows.items.find((w) => w.name === 'Inbox Assistant')?.schedule?.cron, '15 7 * * *');
  });

  await t.test(
    'creates an agent from a template with its settings form; a wrong setting is explained next to it',
    async (st) => {
      const absent = missing('POST /agents', 'GET /catalog/templates/{templateId}');
      if (absent) return st.skip(absent);
      await openFromNav('Catalog');
      await page.getByRole('link', { name: 'Create agent from Daily Digest' }).click();
      const settings = page.getByRole('region', { name: 'Settings' });
      const lookback = settings.getByLabel(/Lookback hours/i);
      await lookback.waitFor();
      await checkScreen('agent-new', 'New agent');
      assert.equal(await lookback.inputValue(), '24', 'the form starts from the template defaults');
      await page.getByRole('textbox', { name: /^Name\b/ }).fill(DIGEST);
      await lookback.fill('999');
      expectFailure(/status of 400 .*\/api\/agents$/);
      await page.getByRole('button', { name: 'Create agent' }).click();
      const field = settings.locator('.MuiFormControl-root', { has: page.getByLabel(/Lookback hours/i) });
      await field.getByText(/168/).waitFor();
      await settle('agent-new-error');
      await lookback.fill('48');
      await page.getByRole('button', { name: 'Create agent' }).click();
      await page.getByRole('heading', { level: 1, name: DIGEST }).waitFor();
      const token = await platform.token(EMAIL);
      const agents = (await (await platform.api('/agents', { token })).json()) as {
        items: { name: string; templateId: string; config: Record<string, unknown> }[];
      };
      const digest = agents.items.find((a) => a.name === DIGEST);
      assert.equal(digest?.templateId, 'daily-digest');
      assert.equal(digest?.config.lookbackHours, 48);
      // A coordinator, for a parallel workflow.
      await openFromNav('Catalog');
      await page.getByRole('link', { name: 'Create agent from Coordinator' }).click();
      await page.getByRole('heading', { level: 1, name: 'New agent' }).waitFor();
      await page.getByRole('textbox', { name: /^Name\b/ }).fill(COORDINATOR);
      await page.getByRole('button', { name: 'Create agent' }).click();
      await page.getByRole('heading', { level: 1, name: COORDINATOR }).waitFor();
    },
  );

  await t.test(
    'builds a workflow: errors next to the fields, a schedule, edits with a stale-copy warning, runs it, cancels the run, deletes it',
    async (st) => {
      const absent = missing(
        'POST /workflows',
        'PATCH /workflows/{workflowId}',
        'DELETE /workflows/{workflowId}',
        'POST /orchestration/runs/{runId}/cancel',
      );
      if (absent) return st.skip(absent);
      const token = await platform.token(EMAIL);
      await openFromNav('Agents');
      await page.getByRole('link', { name: 'New workflow' }).click();
      await checkScreen('workflow-new', 'New workflow');
      await page.getByRole('textbox', { name: /^Name\b/ }).fill(WORKFLOW);
      await page.getByRole('radio', { name: /Side by side/ }).check();
      await page.getByRole('combobox', { name: 'Add a step' }).click();
      await page.getByRole('option', { name: 'Inbox Triage' }).click();
      // One step and no coordinator: the API says what is wrong, shown where it is wrong.
      expectFailure(/status of 400 .*\/api\/workflows$/);
      await page.getByRole('button', { name: 'Create workflow' }).click();
      const steps = page.getByRole('region', { name: 'Steps' });
      await steps.getByRole('alert').getByText('a parallel workflow needs at least two steps').waitFor();
      const coordinator = page.getByRole('combobox', { name: 'Coordinator agent' });
      await page
        .locator('.MuiFormControl-root', { has: coordinator })
        .getByText('a parallel workflow needs a coordinator agent')
        .waitFor();
      await settle('workflow-errors');
      await page.getByRole('combobox', { name: 'Add a step' }).click();
      await page.getByRole('option', { name: DIGEST }).click();
      await coordinator.click();
      await page.getByRole('option', { name: COORDINATOR }).click();
      await page.getByLabel('Run on a schedule').check();
      await page.getByRole('combobox', { name: 'How often' }).click();
      await page.getByRole('option', { name: 'Every day' }).click();
      await page.getByLabel('Time', { exact: true }).fill('06:45');
      await page.getByLabel('Time zone').fill('Europe/Lisbon');
      await page.getByRole('option', { name: /Europe\/Lisbon$/ }).click();
      await page.getByRole('list', { name: 'Next run times' }).getByRole('listitem').first().waitFor();
      await page.getByRole('button', { name: 'Create workflow' }).click();
      await page.getByText(`Created workflow ${WORKFLOW}.`).waitFor();
      const card = page.getByRole('article', { name: `Workflow ${WORKFLOW}` });
      await card.getByText(`Inbox Triage and ${DIGEST} side by side, then ${COORDINATOR} combines them`).waitFor();
      type WorkflowJson = {
        id: string;
        name: string;
        mode: string;
        steps: { agentId: string }[];
        coordinatorAgentId: string | null;
        schedule: { cron: string; timezone: string } | null;
      };
      const workflowNamed = async (name: string) =>
        ((await (await platform.api('/workflows', { token })).json()) as { items: WorkflowJson[] }).items.find(
          (w) => w.name === name,
        );
      const agentIds = new Map(
        (
          (await (await platform.api('/agents', { token })).json()) as { items: { id: string; name: string }[] }
        ).items.map((a) => [a.name, a.id]),
      );
      const created = await workflowNamed(WORKFLOW);
      assert.equal(created?.mode, 'parallel');
      assert.deepEqual(
        created?.steps.map((s) => s.agentId),
        [agentIds.get('Inbox Triage'), agentIds.get(DIGEST)],
      );
      assert.equal(created?.coordinatorAgentId, agentIds.get(COORDINATOR));
      assert.deepEqual(created?.schedule, { cron: '45 6 * * *', timezone: 'Europe/Lisbon' });

      // Edit: one after another, the digest first.
      await card.getByRole('link', { name: `Edit: workflow ${WORKFLOW}` }).click();
      await checkScreen('workflow-edit', WORKFLOW);
      await page.getByRole('radio', { name: /One after another/ }).check();
      await page.getByRole('button', { name: `Move ${DIGEST} up` }).click();
      const order = await page.getByRole('list', { name: 'Workflow steps' }).getByRole('listitem').allInnerTexts();
      assert.match(order[0]!, new RegExp(`^1\\. ${DIGEST}`));
      // Someone changes the workflow meanwhile (another tab): saving the stale copy is refused in plain words.
      const other = await platform.api(`/workflows/${created!.id}`, {
        token,
        method: 'PATCH',
        json: { enabled: true },
      });
      assert.equal(other.status, 200);
      expectFailure(new RegExp(`status of 412 .*/api/workflows/${created!.id}$`));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /changed since you read it|changed this while you were editing/ })
        .waitFor();
      await page.reload();
      await page.getByRole('heading', { level: 1, name: WORKFLOW }).waitFor();
      await page.getByRole('radio', { name: /One after another/ }).check();
      await page.getByRole('button', { name: `Move ${DIGEST} up` }).click();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(`Saved workflow ${WORKFLOW}.`).waitFor();
      await page
        .getByRole('article', { name: `Workflow ${WORKFLOW}` })
        .getByText(`${DIGEST}, then Inbox Triage`)
        .waitFor();
      const edited = await workflowNamed(WORKFLOW);
      assert.equal(edited?.mode, 'sequential');
      assert.deepEqual(
        edited?.steps.map((s) => s.agentId),
        [agentIds.get(DIGEST), agentIds.get('Inbox Triage')],
      );
      assert.equal(edited?.coordinatorAgentId, null);

      // Run it now and cancel while it runs.
      await page.getByRole('link', { name: `Edit: workflow ${WORKFLOW}` }).click();
      await page.getByRole('heading', { level: 1, name: WORKFLOW }).waitFor();
      await page.getByRole('button', { name: 'Run now' }).click();
      await page.waitForURL(/\/runs\/[^/]+$/);
      const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
      const cancel = page.getByRole('button', { name: 'Cancel run' });
      const clicked = await cancel.click({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      const progress = page.getByRole('region', { name: 'Progress' });
      if (clicked) {
        await cancel.waitFor({ state: 'detached' });
        expectFailure(new RegExp(`status of 409 .*/api/orchestration/runs/${runId}/cancel$`));
      }
      await progress.getByText(/^(Cancelled|Completed|Failed|Stopped)$/).waitFor({ timeout: 90_000 });
      const run = (await (await platform.api(`/orchestration/runs/${runId}`, { token })).json()) as {
        status: string;
        cancelRequested: boolean;
        steps: { status: string }[];
      };
      await settle('run-cancelled');
      if (run.status === 'cancelled') {
        assert.match(await progress.getByRole('alert').innerText(), /cancel/i, 'the page says the run was cancelled');
        assert.ok(
          run.steps.some((s) => s.status === 'cancelled' || s.status === 'skipped'),
          'a step was left undone',
        );
        await page
          .getByRole('table', { name: 'Steps' })
          .getByRole('row', { name: /Skipped|Cancelled/ })
          .first()
          .waitFor();
        t.diagnostic(`cancel: the run was cancelled with steps ${run.steps.map((s) => s.status).join(', ')}`);
      } else {
        // The offline model finished both steps before the orchestrator looked at the request again.
        assert.equal(run.status, 'completed');
        if (clicked)
          await page
            .getByText(/The run has already completed|cancel/i)
            .first()
            .waitFor()
            .catch(() => {});
        t.diagnostic(`cancel: the run reached ${run.status} first (cancel ${clicked ? 'clicked' : 'never offered'})`);
      }
      assert.equal(await cancel.count(), 0, 'a finished run offers no cancel button');

      // Delete it after confirming.
      await openFromNav('Agents');
      await page.getByRole('link', { name: `Edit: workflow ${WORKFLOW}` }).click();
      await page.getByRole('heading', { level: 1, name: WORKFLOW }).waitFor();
      await page.getByRole('button', { name: 'Delete workflow' }).click();
      const dialog = page.getByRole('dialog', { name: `Delete ${WORKFLOW}?` });
      await dialog.getByRole('button', { name: 'Keep it' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.ok(await workflowNamed(WORKFLOW), 'keeping it deletes nothing');
      await page.getByRole('button', { name: 'Delete workflow' }).click();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByText(`Deleted workflow ${WORKFLOW}.`).waitFor();
      await page.getByRole('article', { name: `Workflow ${WORKFLOW}` }).waitFor({ state: 'detached' });
      assert.equal(await workflowNamed(WORKFLOW), undefined);
      assert.equal((await platform.api(`/workflows/${created!.id}`, { token })).status, 404);
    },
  );

  await t.test('disconnects a connector after confirming, and connects it again', async (st) => {
    const absent =
      missing('DELETE /connectors/{connectorId}', 'POST /connectors/{provider}/authorize') ??
      (platform.settings.GOOGLE_EMULATOR ? undefined : 'no Google emulator');
    if (absent) return st.skip(absent);
    const token = await platform.token(EMAIL);
    const connectors = async () =>
      (
        (await (await platform.api('/connectors', { token })).json()) as {
          items: { provider: string; health: string }[];
        }
      ).items;
    await openFromNav('Connectors');
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
    const card = page.getByRole('article', { name: `Google ${GOOGLE_ACCOUNT}` });
    await card.getByRole('button', { name: 'Disconnect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Disconnect Google?' });
    await settle('connector-disconnect');
    await dialog.getByRole('button', { name: 'Keep connected' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal((await connectors()).length, 1, 'keeping it connected changes nothing');
    await card.getByRole('button', { name: 'Disconnect' }).click();
    await dialog.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByText('Nothing connected yet').waitFor();
    assert.deepEqual(await connectors(), []);
    await page.getByRole('button', { name: 'Connect Google' }).click();
    await page.waitForURL((url) => url.origin === new URL(platform.settings.GOOGLE_EMULATOR!).origin);
    await page.getByRole('button', { name: new RegExp(GOOGLE_ACCOUNT) }).click();
    await page.waitForURL(/\/connectors\?connected=google/);
    await page.getByText('Google is connected.').waitFor();
    await card.getByText('Healthy').waitFor();
    assert.deepEqual(
      (await connectors()).map((c) => [c.provider, c.health]),
      [['google', 'ok']],
    );
  });

  await t.test('the dashboard and audit trail show what happened', async (st) => {
    const absent = missing('GET /dashboard');
    if (absent) return st.skip(absent);
    await openFromNav('Home');
    await checkScreen('home-activity', /Hello, Ada/);
    await page
      .getByRole('region', { name: 'Recent runs' })
      .getByRole('link', { name: /Inbox Assistant/ })
      .first()
      .waitFor();
    await openFromNav('Dashboard');
    await checkScreen('dashboard', 'Dashboard');
    const totals = page.getByRole('region', { name: 'Totals' });
    await totals.waitFor();
    assert.doesNotMatch(await totals.innerText(), /^Runs\s*0$/m, 'the run is counted');
    await page.getByRole('img', { name: 'Runs by day chart' }).waitFor();
    await openFromNav('Audit');
    await checkScreen('audit', 'Audit trail');
    const table = page.getByRole('table', { name: 'Audit trail' });
    await table
      .getByText(/^suggestion\.approved$/)
      .first()
      .waitFor();
    await table
      .getByText(/^suggestion\.rejected$/)
      .first()
      .waitFor();
  });

  await t.test('profile changes are saved and shown again after a reload', async () => {
    await openFromNav('Settings');
    await checkScreen('settings', 'Settings');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('option', { name: /Europe\/Paris$/ }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    // Schedules made in the old zone: the app asks whether they move along.
    const move = page.getByRole('dialog', { name: /^Move \d+ schedules? to Europe\/Paris\?$/ });
    await move.getByRole('button', { name: 'Move them' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Paris');
  });

  await t.test('export downloads all of the person’s data as JSON', async () => {
    await page.getByRole('button', { name: 'Export my data' }).click();
    await page.getByRole('status').filter({ hasText: 'Your export is ready' }).waitFor({ timeout: 60_000 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    const file = await download;
    const document = JSON.parse(readFileSync((await file.path())!, 'utf8')) as {
      format: string;
      containers: Record<string, { email?: string; timezone?: string }[]>;
    };
    assert.equal(document.format, 'personal-agents-export/1');
    const tenants = Object.values(document.containers).flat();
    assert.ok(
      tenants.some((d) => d.email === EMAIL && d.timezone === 'Europe/Paris'),
      'the export holds the saved profile',
    );
  });

  await t.test('the audit trail shows what the person did, filterable', async () => {
    await openFromNav('Audit');
    await checkScreen('audit', 'Audit trail');
    const table = page.getByRole('table', { name: 'Audit trail' });
    await table.getByText('tenant.export.downloaded').waitFor();
    await page.getByLabel('Action').fill('tenant.export.downloaded');
    await page.waitForLoadState('networkidle');
    await table.getByText('tenant.export.downloaded').first().waitFor();
    const rows = await table.locator('tbody tr').count();
    assert.ok(rows >= 1);
    assert.equal(
      await table.locator('tbody tr', { hasNotText: 'tenant.export.downloaded' }).count(),
      0,
      'the filter leaves only matching actions',
    );
  });

  await t.test('a missing resource is explained in plain words, not a crash', async () => {
    await page.goto(`${platform.origin}/runs/run-that-does-not-exist`);
    await page.getByRole('alert').waitFor();
    const text = await page.getByRole('alert').innerText();
    assert.doesNotMatch(text, /undefined|exception|stack|500/i);
    await page.goto(`${platform.origin}/no-such-page`);
    await page.getByText('This page does not exist').waitFor();
  });

  await t.test('at phone width the navigation opens from the menu button', async () => {
    // Same session in a phone-sized window (the session lives in localStorage, so copy it over).
    const session = await page.evaluate<string>('JSON.stringify(Object.entries(localStorage))');
    const small = await newContext(browser, true);
    await small.addInitScript(`for (const [k, v] of ${session}) localStorage.setItem(k, v);`);
    const mobile = await small.newPage();
    const errors = watchConsole(mobile);
    await mobile.goto(`${platform.origin}/`);
    await mobile.getByRole('heading', { level: 1, name: /Hello, Ada/ }).waitFor();
    assert.equal(await mobile.getByRole('navigation', { name: 'Main' }).count(), 0, 'the drawer is closed at first');
    await mobile.getByRole('button', { name: 'Open navigation' }).click();
    await mobile.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await mobile.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await mobile.waitForLoadState('networkidle');
    const overflow = await mobile.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at phone width`);
    assert.deepEqual(await seriousViolations(mobile), []);
    await screenshot(mobile, 'settings-phone');
    assert.deepEqual(
      errors.filter((e) => !fromAbsentRoute(e)),
      [],
    );
    await small.close();
  });

  await t.test(
    'the session renews itself silently before the access token expires, and the API accepts the new token',
    async () => {
      // Same session in a second window whose clock the test moves forward (the session lives in localStorage).
      const session = await page.evaluate<string>('JSON.stringify(Object.entries(localStorage))');
      const later = await newContext(browser);
      await later.addInitScript(`for (const [k, v] of ${session}) localStorage.setItem(k, v);`);
      const tab = await later.newPage();
      const errors = watchConsole(tab);
      await tab.clock.install();
      await tab.goto(`${platform.origin}/`);
      await tab.getByRole('heading', { level: 1, name: /Hello, Ada/ }).waitFor();
      const storedUser = `(() => { const k = Object.keys(localStorage).find((k) => k.startsWith('oidc.user')); return k ? JSON.parse(localStorage.getItem(k)) : null; })()`;
      const before = await tab.evaluate<{ access_token: string; expires_at: number }>(storedUser);
      const refreshed = tab.waitForRequest(
        (r) => r.url().endsWith('/dev/oidc/token') && /grant_type=refresh_token/.test(r.postData() ?? ''),
        { timeout: 15_000 },
      );
      // Up to a minute before expiry, when the app renews the token by itself.
      const untilRenewal = before.expires_at * 1000 - (await tab.evaluate<number>('Date.now()')) - 50_000;
      await tab.clock.fastForward(Math.max(0, untilRenewal));
      await refreshed;
      const after = await eventually(
        () => tab.evaluate<{ access_token: string; expires_at: number }>(storedUser),
        (stored) => stored.access_token !== before.access_token,
        'the renewed session to be stored',
      );
      assert.notEqual(after.access_token, before.access_token, 'a new access token was stored');
      assert.ok(after.expires_at > before.expires_at, 'the new token lasts longer');
      // Still signed in: the next screen loads its data with the new token.
      const used = tab.waitForRequest(
        (r) =>
          r.url().includes('/api/orchestration/runs') && r.headers().authorization === `Bearer ${after.access_token}`,
      );
      await tab.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs', exact: true }).click();
      await used;
      await tab.getByRole('table', { name: 'Runs' }).getByRole('link', { name: 'Inbox Assistant' }).first().waitFor();
      assert.equal(await tab.getByRole('button', { name: 'Sign in' }).count(), 0);
      assert.equal(
        (await platform.api('/me', { token: after.access_token })).status,
        200,
        'the API accepts the renewed token',
      );
      await screenshot(tab, 'renewed-session');
      assert.deepEqual(
        ours(errors).filter((e) => !fromAbsentRoute(e)),
        [],
      );
      await later.close();
    },
  );

  await t.test('a new tab opens signed in', async () => {
    const tab = await page.context().newPage();
    await tab.goto(`${platform.origin}/suggestions`);
    await tab.getByRole('heading', { level: 1, name: 'Suggestions' }).waitFor();
    assert.equal(await tab.getByRole('button', { name: 'Sign in' }).count(), 0);
    await tab.close();
  });

  await t.test('signing out ends the session', async () => {
    await page.goto(`${platform.origin}/`);
    await page.getByRole('heading', { level: 1, name: /Hello, Ada/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'signed-out');
    assert.equal(
      await page.evaluate<number>(`Object.keys(localStorage).filter((k) => k.startsWith('oidc.user')).length`),
      0,
    );
  });

  await t.test('another person sees none of it, and deletes their own account after confirming', async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('bob@example.com');
    await page.getByLabel('Name').fill('Bob Builder');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: /Hello, Bob/ }).waitFor();
    if (runPath) {
      await page.goto(`${platform.origin}${runPath}`);
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /does not exist|not found|could not find/i);
      assert.equal(await page.getByText('Inbox Assistant').count(), 0, 'nothing of the other person’s run is shown');
    }
    await openFromNav('Suggestions');
    await page.getByText("You're all caught up").waitFor();
    await openFromNav('Settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    const confirm = dialog.getByRole('button', { name: 'Delete everything' });
    assert.equal(await confirm.isDisabled(), true, 'nothing is deleted before the person confirms');
    await dialog.getByLabel('Confirmation').fill('bob@example.com');
    await settle('delete-account');
    const erasure = page.waitForRequest((r) => r.method() === 'DELETE' && new URL(r.url()).pathname === '/api/me');
    await confirm.click();
    assert.match(
      (await erasure).headers()['if-match'] ?? '',
      /^(W\/)?".+"$/,
      'the erasure names the version confirmed',
    );
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  await t.test('no console errors on the way', () => {
    // The deliberately missing runs are the only failed requests allowed (besides endpoints the API does not offer yet).
    const deliberate = (e: string) =>
      /\/api\/orchestration\/runs\/run-that-does-not-exist/.test(e) ||
      (runPath !== '' && e.includes(`/api/orchestration${runPath}`));
    const provoked = (e: string) => expectedFailures.some((p) => p.test(e.replace(/ @ /, ' ')));
    assert.deepEqual(
      consoleErrors.filter((e) => /Content Security Policy/i.test(e)),
      [],
      'nothing the web app needs is refused by its Content Security Policy',
    );
    const unexpected = ours(consoleErrors).filter((e) => !deliberate(e) && !provoked(e) && !fromAbsentRoute(e));
    assert.deepEqual(unexpected, []);
  });
});
