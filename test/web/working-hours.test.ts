/**
 * Working hours in Settings, in Chromium against the local platform: a nurse working 06:00–14:00, Sunday to Thursday,
 * finds the default hours, is told beside the field what cannot be saved, saves her own with the keyboard, sees her
 * Inbox Assistant move to them, is asked before unsaved hours are dropped, and the schedule builder's "every hour
 * during working hours" starts from them. Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, screenshot, seriousViolations, signedInPage } from '../support/browser';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'florence@example.com';

let p: TestPlatform;
let florence: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

type Me = { workingHours: { from: number; until: number; days: number[] } };
type Workflows = { items: { name: string; schedule: { cron: string } | null }[] };

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  florence = await p.person(EMAIL, 'Florence Nightingale');
  const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: florence.token });
  assert.equal(install.status, 201, JSON.stringify(install.body));
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(
    browser,
    p.platform.origin,
    { email: EMAIL, name: 'Florence Nightingale' },
    { path: '/settings', heading: 'Settings' },
  ));
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

const select = (name: string) => page.getByRole('combobox', { name, exact: true });
const days = () => page.getByRole('group', { name: 'Working days' });
const day = (name: string) => days().getByRole('checkbox', { name, exact: true });
async function choose(label: string, option: string): Promise<void> {
  await select(label).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
const save = () => page.getByRole('button', { name: 'Save', exact: true }).click();
const me = async () => (await p.json<Me>('/me', { token: florence.token })).body.workingHours;
const inboxCron = async () =>
  (await p.json<Workflows>('/workflows', { token: florence.token })).body.items.find(
    (w) => w.name === 'Inbox Assistant',
  )?.schedule?.cron;

test('working hours in Settings', { skip: unavailable }, async (t) => {
  await t.test('everyone starts on 08:00 to 18:00, Monday to Friday, with the week starting on Monday', async () => {
    assert.equal(await select('From').innerText(), '08:00');
    assert.equal(await select('Until').innerText(), '18:00');
    const labels = await days()
      .getByRole('checkbox')
      .evaluateAll((boxes) =>
        boxes.map((b) => `${b.closest('label')?.textContent}:${(b as unknown as { checked: boolean }).checked}`),
      );
    assert.deepEqual(labels, [
      'Monday:true',
      'Tuesday:true',
      'Wednesday:true',
      'Thursday:true',
      'Friday:true',
      'Saturday:false',
      'Sunday:false',
    ]);
    assert.deepEqual(await seriousViolations(page), []);
  });

  await t.test('hours that cannot be saved are explained beside their fields, and nothing changes', async () => {
    await choose('From', '14:00');
    await choose('Until', '06:00');
    for (const name of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await day(name).uncheck();
    await save();
    await page.getByText('Some of what you entered is not valid: see the marked fields above.').waitFor();
    const until = select('Until');
    const untilHelp = await until.getAttribute('aria-describedby');
    assert.ok(untilHelp, 'the Until field is described by its message');
    assert.match(await page.locator(`[id="${untilHelp}"]`).innerText(), /later than the start of the working day/);
    assert.match(await days().innerText(), /choose at least one working day/);
    assert.deepEqual(await me(), { from: 8, until: 18, days: [1, 2, 3, 4, 5] });
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('heading', { name: 'Working hours' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'working-hours-refused');
  });

  await t.test('a nurse saves 06:00 to 14:00, Sunday to Thursday, with the keyboard for the days', async () => {
    await choose('From', '06:00');
    await choose('Until', '14:00');
    for (const name of ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday']) {
      await day(name).focus();
      await page.keyboard.press('Space');
      assert.equal(await day(name).isChecked(), true, `${name} is ticked with the space bar`);
    }
    await save();
    await page.getByText('Saved.').waitFor();
    assert.equal(await page.getByText(/see the marked fields/).count(), 0, 'the refusal is gone');
    assert.deepEqual(await me(), { from: 6, until: 14, days: [0, 1, 2, 3, 4] });
  });

  await t.test('her Inbox Assistant now runs in her working hours', async () => {
    assert.equal(await inboxCron(), '0 6-14 * * 0-4');
    await page.goto(`${p.platform.origin}/agents`);
    const card = page.getByRole('article', { name: 'Workflow Inbox Assistant' });
    await card.getByText(/Every hour from 06:00 to 14:00, Sunday to Thursday/).waitFor();
  });

  await t.test('unsaved hours are not dropped without asking', async () => {
    await page.goto(`${p.platform.origin}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await eventually(
      () => select('From').innerText(),
      (text) => text === '06:00',
      'the saved hours in the form',
    );
    await day('Friday').check();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs', exact: true }).click();
    const question = page.getByRole('dialog', { name: 'Discard your changes?' });
    await question.getByRole('button', { name: 'Keep editing' }).click();
    await question.waitFor({ state: 'detached' });
    assert.equal(await day('Friday').isChecked(), true, 'the change is still there');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs', exact: true }).click();
    await question.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    assert.deepEqual((await me()).days, [0, 1, 2, 3, 4]);
  });

  await t.test('“every hour during working hours” in the schedule builder starts from her hours', async () => {
    await page.goto(`${p.platform.origin}/agents/new?template=inbox-triage`);
    await page.getByRole('switch', { name: 'Run on a schedule' }).check();
    await choose('How often', 'Every hour during working hours');
    assert.equal(await select('From').innerText(), '06:00');
    assert.equal(await select('Until').innerText(), '14:00');
    assert.equal(await select('Days').innerText(), 'Your working days (Sunday to Thursday)');
    const next = page.getByRole('list', { name: 'Next run times' }).getByRole('listitem');
    await next.first().waitFor();
    for (const text of await next.allInnerTexts()) assert.match(text, /^(Sun|Mon|Tue|Wed|Thu).*\b(0[6-9]|1[0-4]):00\b/);
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inbox Triage' }).waitFor();
    const agents = await p.json<Workflows>('/agents', { token: florence.token });
    assert.ok(
      agents.body.items.some((a) => a.schedule?.cron === '0 6-14 * * 0-4'),
      JSON.stringify(agents.body.items.map((a) => a.schedule)),
    );
  });

  await t.test('no console errors on the way but the refused save', () => {
    const provoked = (e: string) => /status of 400 \(Bad Request\) @ \S+\/api\/me$/.test(e);
    assert.equal(consoleErrors.filter(provoked).length, 1);
    assert.deepEqual(
      consoleErrors.filter((e) => !provoked(e)),
      [],
    );
  });
});
