/**
 * Every link in every notification email, opened in Chromium as the person would: first signed out (the sign-in
 * round trip must bring them to what the link names), then signed in. The pages behind one-click links (approve,
 * reject, unsubscribe), including "already used" and "already decided", each lead into the app.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, newContext, seriousViolations } from '../support/browser';
import { eventually, startTestPlatform, type Person, type SinkMessage, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'grace@example.com';

let p: TestPlatform;
let browser: Browser;
let grace: Person;
let runId = '';

/** Every distinct link of an email's HTML part. */
function hrefs(message: SinkMessage): string[] {
  return [...new Set([...message.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')))];
}

async function signInHere(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dev\/oidc\/authorize/);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What a link of the app must show once the person is signed in: the screen it names. */
async function landsOnTarget(page: Page, link: string): Promise<void> {
  const url = new URL(link);
  const open = /^\/suggestions\/([^/]+)$/.exec(url.pathname);
  if (open) {
    const id = decodeURIComponent(open[1]!);
    await page
      .getByRole('dialog')
      .getByText(/^What (will happen|it did)/)
      .waitFor();
    assert.equal(new URL(page.url()).searchParams.get('open'), id, `${link} opens that suggestion`);
    return;
  }
  const headings: Record<string, RegExp> = {
    '/suggestions': /^Suggestions$/,
    '/settings': /^Settings$/,
    '/connectors': /^Connectors$/,
  };
  const named = /^\/(runs|workflows)\/([^/]+)$/.exec(url.pathname);
  const heading = named ? /Inbox Assistant/ : headings[url.pathname];
  assert.ok(heading, `a link the test knows where it leads: ${link}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  assert.equal(new URL(page.url()).pathname, url.pathname, `${link} stays where it points`);
  assert.equal(await page.getByText('This page does not exist').count(), 0);
}

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  grace = await p.person(EMAIL, 'Grace Hopper');
  await p.connectGoogle(grace);
  const install = await p.json<{ workflowIds: string[] }>('/packs/inbox-assistant/install', {
    method: 'POST',
    token: grace.token,
  });
  assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
  const started = await p.json<{ id: string }>('/orchestration/runs', {
    token: grace.token,
    json: { workflowId: install.body.workflowIds[0] },
  });
  runId = started.body.id;
  await p.finishedRun(grace, runId, 120_000);
  // The other two emails the product sends, through the same notifier and mail transport.
  const workflow = { type: 'workflow' as const, id: install.body.workflowIds[0]!, name: 'Inbox Assistant' };
  const at = new Date().toISOString();
  // A failure to reconnect from ("Reconnect") and one to retry ("Run again").
  await p.services.notifier().runFailed(grace.tenantId, {
    runId,
    target: workflow,
    at,
    failure: { kind: 'reconnect', reason: 'The Google connection (alex) needs to be reconnected.' },
  });
  await p.services.notifier().runFailed(grace.tenantId, {
    runId,
    target: workflow,
    at,
    failure: { kind: 'model', reason: 'The AI model did not answer.' },
  });
  await p.services.notifier().connectorNeedsReauth(grace.tenantId, { provider: 'google', account: 'alex' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

test('every link in every notification email lands on what it names', { skip: unavailable }, async (t) => {
  const mail = await eventually(
    () => p.mail(EMAIL),
    (m) =>
      m.some((x) => /approval|suggestion/i.test(x.subject)) &&
      m.filter((x) => /could not finish/.test(x.subject)).length === 2 &&
      m.some((x) => /Reconnect/.test(x.subject)),
    'the new-suggestions, failed-run and reconnect emails',
  );
  const failures = mail.filter((x) => /^Inbox Assistant could not finish$/.test(x.subject));
  assert.deepEqual(
    failures.map((m) => [...m.html.matchAll(/background:#1f6feb;color:#fff">([^<]+)</g)].map((b) => b[1])).sort(),
    [['Reconnect'], ['Run again']],
    'each failure email carries one button',
  );
  const links = [...new Set(mail.flatMap(hrefs))];
  const app = links.filter((l) => !new URL(l).pathname.startsWith('/api/'));
  const pages = links.filter((l) => new URL(l).pathname.startsWith('/api/'));
  assert.ok(
    app.some((l) => /\/suggestions\/[^/]+$/.test(l)),
    'the emails link to each suggestion',
  );
  assert.ok(
    pages.some((l) => l.includes('/api/approvals/')),
    'the emails carry one-click links',
  );

  await t.test('signed out: each app link signs in and comes back to its target', async () => {
    for (const link of app) {
      const context: BrowserContext = await newContext(browser);
      const page = await context.newPage();
      await page.goto(link);
      await signInHere(page);
      await landsOnTarget(page, link);
      await context.close();
    }
  });

  await t.test('signed in: each app link opens its target directly', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(p.platform.origin + '/');
    await signInHere(page);
    await page.getByRole('heading', { level: 1, name: /Hello, Grace/ }).waitFor();
    for (const link of app) {
      await page.goto(link);
      await landsOnTarget(page, link);
    }
    await context.close();
  });

  await t.test('the pages of one-click links, used or not, each lead into the app', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const approve = pages.find((l) => l.includes('/api/approvals/'))!;
    // Confirm the decision on the page, then open the same link again: "already used" still leads somewhere.
    await page.goto(approve);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.equal(await page.getByRole('banner').innerText(), 'Personal Agents', 'branded like the app');
    assert.deepEqual(await seriousViolations(page), []);
    const button = page.getByRole('button', { name: /^(Approve|Reject)$/ });
    if ((await button.count()) > 0) await button.click();
    await page
      .getByRole('heading', { level: 1, name: /Approved|Rejected|Already decided|Open this suggestion/ })
      .waitFor();
    await page.goto(approve);
    await page.getByRole('heading', { level: 1, name: 'This link was already used' }).waitFor();
    for (const link of pages) {
      await page.goto(link);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const into = page.getByRole('navigation', { name: 'Personal Agents' }).getByRole('link');
      assert.ok((await into.count()) >= 1, `${link} offers a way into the app`);
    }
    // From "already used" into the app, signing in on the way: the suggestion the link was for opens.
    await page.goto(approve);
    await page.getByRole('link', { name: 'Open this suggestion in the app' }).click();
    await signInHere(page);
    await page
      .getByRole('dialog')
      .getByText(/^What (will happen|it did)/)
      .waitFor();
    await context.close();
  });
});
