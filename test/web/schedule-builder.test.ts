/**
 * The schedule builder explains the plan's rule before saving, from what the API reports (a deployment whose free
 * plan allows one run every two hours says so, and offers no hourly choice), flags a custom schedule that breaks it,
 * and can say "every hour during working hours". In Chromium against the local platform.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, signedInPage } from '../support/browser';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'grace@example.com';

let p: TestPlatform;
let grace: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform({
    settings: { TIER_LIMITS: JSON.stringify({ free: { scheduleMinIntervalMinutes: 120 } }) },
  });
  grace = await p.person(EMAIL, 'Grace Hopper');
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, p.platform.origin, { email: EMAIL, name: 'Grace Hopper' }));
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

const howOften = () => page.getByRole('combobox', { name: 'How often' });

async function choose(label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option }).click();
}

test('the schedule builder and the plan’s rule', { skip: unavailable }, async (t) => {
  await t.test('the rule is said before saving, and choices that break it are offered disabled', async () => {
    await page.goto(`${p.platform.origin}/agents/new?template=inbox-triage`);
    await page.getByRole('switch', { name: 'Run on a schedule' }).check();
    await page.getByText('Your Free plan runs a schedule at most every 2 hours.').waitFor();
    await howOften().click();
    const hourly = page.getByRole('option', { name: 'Every hour (not on the Free plan)', exact: true });
    assert.equal(await hourly.getAttribute('aria-disabled'), 'true');
    const working = page.getByRole('option', { name: 'Every hour during working hours (not on the Free plan)' });
    assert.equal(await working.getAttribute('aria-disabled'), 'true');
    assert.equal(await page.getByRole('option', { name: 'Every day' }).getAttribute('aria-disabled'), null);
    await page.getByRole('option', { name: 'Custom (cron)' }).click();
  });

  await t.test('a custom schedule that runs too often is flagged in words', async () => {
    await page.getByRole('textbox', { name: 'Cron expression' }).fill('15 * * * *');
    await page.getByText('This runs once an hour; your Free plan allows at most every 2 hours.').waitFor();
    await page.getByRole('textbox', { name: 'Cron expression' }).fill('15 */2 * * *');
    await page.getByText('This runs once an hour').waitFor({ state: 'detached' });
    assert.deepEqual(await seriousViolations(page), []);
  });

  await t.test('every hour during working hours, chosen in the builder, is saved as such', async () => {
    await p.services.tenants().setTier(grace.tenantId, 'pro');
    await page.reload();
    await page.getByRole('switch', { name: 'Run on a schedule' }).check();
    await page.getByText('Your Pro plan runs a schedule at most every 15 minutes.').waitFor();
    await choose('How often', 'Every hour during working hours');
    await choose('From', '09:00');
    await choose('Until', '17:00');
    await choose('Days', 'Weekdays');
    const next = page.getByRole('list', { name: 'Next run times' }).getByRole('listitem');
    await next.first().waitFor();
    for (const text of await next.allInnerTexts()) assert.match(text, /^(Mon|Tue|Wed|Thu|Fri).*\b(09|1[0-7]):00\b/);
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox Triage' }).waitFor();
    const agents = await p.json<{ items: { schedule: { cron: string } | null }[] }>('/agents', { token: grace.token });
    assert.equal(agents.body.items[0]?.schedule?.cron, '0 9-17 * * 1-5');
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByText(/Every hour from 09:00 to 17:00 on weekdays/).waitFor();
  });

  await t.test('the saved schedule opens in the builder as working hours', async () => {
    await page.getByRole('link', { name: /^Edit/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Inbox Triage' }).waitFor();
    assert.equal(await howOften().innerText(), 'Every hour during working hours');
    assert.equal(await page.getByRole('combobox', { name: 'From' }).innerText(), '09:00');
    assert.equal(await page.getByRole('combobox', { name: 'Until' }).innerText(), '17:00');
  });

  await t.test('no console errors on the way', () => assert.deepEqual(consoleErrors, []));
});
