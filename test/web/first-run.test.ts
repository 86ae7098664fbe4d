/**
 * A new person's first minutes, in Chromium against the local platform: the home page shows a checklist (connect an
 * account, install a pack or an agent, run it) instead of "You're all caught up", each step ticked off from real
 * data, the last one offering the one "Run now" to press; the keyboard's place is always outlined; the outcomes chart
 * has a legend. Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, signedInPage } from '../support/browser';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'tim@example.com';

let p: TestPlatform;
let tim: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, p.platform.origin, { email: EMAIL, name: 'Tim Berners-Lee' }));
  tim = await p.person(EMAIL, 'Tim Berners-Lee');
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

const checklist = () => page.getByRole('list', { name: 'Getting started' });
const step = (name: string, state: 'done' | 'to do') =>
  checklist().getByRole('listitem', { name: `${name}: ${state}` });

test('the first run', { skip: unavailable }, async (t) => {
  await t.test('a new person sees three steps to take, not "all caught up"', async () => {
    await step('Connect an account', 'to do').waitFor();
    await step('Install a pack or an agent', 'to do').waitFor();
    await step('Run it', 'to do').waitFor();
    assert.equal(await page.getByText("You're all caught up").count(), 0);
    await page.getByText('Nothing yet').waitFor();
    assert.equal(await checklist().getByRole('link', { name: 'Connect' }).count(), 1, 'the next step has its action');
    assert.deepEqual(await seriousViolations(page), []);
  });

  await t.test('connecting an account ticks the first step off', async () => {
    await p.connectGoogle(tim);
    await page.reload();
    await step('Connect an account', 'done').waitFor();
    await checklist().getByRole('link', { name: 'Open the catalog' }).waitFor();
  });

  await t.test('after installing a pack, the checklist says which Run now to press, and it runs', async () => {
    const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: tim.token });
    assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
    await page.reload();
    await step('Install a pack or an agent', 'done').waitFor();
    await checklist().getByText('Press Run now on Inbox Assistant').waitFor();
    await checklist().getByRole('button', { name: 'Run now: Inbox Assistant' }).click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    const runId = new URL(page.url()).pathname.split('/').pop()!;
    await p.finishedRun(tim, runId, 120_000);
  });

  await t.test('once all three are done, the checklist is gone', async () => {
    await page.goto(`${p.platform.origin}/`);
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    await page.getByRole('list').filter({ hasText: 'Inbox Assistant' }).first().waitFor();
    assert.equal(await checklist().count(), 0);
  });

  await t.test('the keyboard’s place is outlined on buttons, links and switches', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor();
    const outlined = async (locator: ReturnType<Page['getByRole']>) => {
      // After a key press focus is "visible" (:focus-visible), as it is for keyboard users.
      await page.keyboard.press('Shift');
      await locator.focus();
      // A function run in the page (this file is type-checked without the DOM library, hence the loose types).
      return locator.evaluate((el: any) => {
        const target = el.matches('input') ? el.closest('.MuiButtonBase-root') : el;
        const style = (globalThis as any).getComputedStyle(target);
        return el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      });
    };
    assert.ok(await outlined(page.getByRole('link', { name: 'New workflow' })), 'a link');
    assert.ok(await outlined(page.getByRole('button', { name: 'Run now: workflow Inbox Assistant' })), 'a button');
    assert.ok(await outlined(page.getByRole('switch', { name: 'Workflow Inbox Assistant enabled' })), 'a switch');
  });

  await t.test('the outcomes chart has a legend', async () => {
    const { body } = await p.json<{ items: { id: string }[] }>('/suggestions?status=pending', { token: tim.token });
    assert.ok(body.items.length > 0, 'the run proposed something');
    const rejected = await p.json(`/suggestions/${body.items[0]!.id}/reject`, {
      method: 'POST',
      token: tim.token,
      json: {},
    });
    assert.equal(rejected.status, 200);
    await eventually(
      async () => {
        await page.goto(`${p.platform.origin}/dashboard`);
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.waitForLoadState('networkidle');
        return page.locator('.recharts-legend-item-text').allInnerTexts();
      },
      (texts) => texts.includes('Rejected'),
      'the outcomes legend to name the rejection',
    );
  });

  await t.test('no console errors on the way', () => assert.deepEqual(consoleErrors, []));
});
