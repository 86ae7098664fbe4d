/**
 * A person whose browser is in New York, in Chromium (Playwright's `timezoneId`) against the local platform: the
 * first profile takes the browser's zone, a pack's schedules are made in it, the zone picker finds places by city
 * and country with their offsets, and changing the zone asks whether the schedules move along.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, watchConsole } from '../support/browser';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'nina@example.com';
const NEW_YORK = 'America/New_York';

let p: TestPlatform;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];
let nina: Person;

type Scheduled = { items: { name: string; schedule: { cron: string; timezone: string } | null }[] };

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: NEW_YORK });
  page = await context.newPage();
  consoleErrors = watchConsole(page);
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

test('a person in New York', { skip: unavailable }, async (t) => {
  await t.test('signing in for the first time makes a profile in the browser’s time zone', async () => {
    await page.goto(`${p.platform.origin}/`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Name').fill('Nina Simone');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: /Hello, Nina/ }).waitFor();
    nina = await p.person(EMAIL, 'Nina Simone');
    const me = await eventually(
      () => p.json<{ timezone: string }>('/me', { token: nina.token }),
      (r) => r.body.timezone === NEW_YORK,
      'the profile to take the browser’s zone',
    );
    assert.equal(me.body.timezone, NEW_YORK);
  });

  await t.test('a pack’s schedule is made in the person’s zone and shown without naming it', async () => {
    await p.connectGoogle(nina);
    const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: nina.token });
    assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
    const workflows = await p.json<Scheduled>('/workflows', { token: nina.token });
    const pack = workflows.body.items.find((w) => w.name === 'Inbox Assistant')!;
    assert.equal(pack.schedule?.timezone, NEW_YORK, 'working hours are New York’s working hours');
    await page.goto(`${p.platform.origin}/agents`);
    const card = page.getByRole('article', { name: 'Workflow Inbox Assistant' });
    await card.getByText(/Every hour from 08:00 to 18:00 on weekdays/).waitFor();
    // Once the profile is known (it loads beside the list), the person's own zone goes without saying.
    await eventually(
      () => card.innerText(),
      (text) => /Every hour from 08:00 to 18:00 on weekdays ·/.test(text) && !/America\/New_York/.test(text),
      'the schedule without the person’s own zone',
    );
  });

  await t.test('the zone picker finds places by city and country, with their offsets', async () => {
    await page.goto(`${p.platform.origin}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const picker = page.getByRole('combobox', { name: 'Time zone' });
    assert.equal(await picker.inputValue(), NEW_YORK);
    await picker.fill('New York');
    await page.getByRole('option', { name: /New York, United States \(UTC−0[45]:00\)/ }).waitFor();
    await picker.fill('Japan');
    const tokyo = page.getByRole('option', { name: /Tokyo, Japan \(UTC\+09:00\)/ });
    await tokyo.waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await tokyo.click();
    assert.equal(await picker.inputValue(), 'Asia/Tokyo');
  });

  await t.test('changing the zone asks whether the schedules move along, and moves them', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: /^Move \d+ schedules? to Asia\/Tokyo\?$/ });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Inbox Assistant/);
    await dialog.getByRole('button', { name: 'Move them' }).click();
    await page.getByText('Saved.').waitFor();
    const workflows = await p.json<Scheduled>('/workflows', { token: nina.token });
    const pack = workflows.body.items.find((w) => w.name === 'Inbox Assistant')!;
    assert.equal(pack.schedule?.timezone, 'Asia/Tokyo', 'the schedule moved with the person');
    assert.equal(pack.schedule?.cron, '0 8-18 * * 1-5', 'at the same hours of the day');
    const me = await p.json<{ timezone: string }>('/me', { token: nina.token });
    assert.equal(me.body.timezone, 'Asia/Tokyo');
  });

  await t.test('times shown in a zone other than the browser’s carry its name', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    const card = page.getByRole('article', { name: 'Workflow Inbox Assistant' });
    await card.getByText(/Every hour from 08:00 to 18:00 on weekdays/).waitFor();
    await eventually(
      () => card.innerText(),
      (text) => /next .*GMT\+9/.test(text),
      'the next run time with the zone it is shown in',
    );
  });

  await t.test('leaving an agent page with unsaved changes asks first', async () => {
    await page.goto(`${p.platform.origin}/agents`);
    await page.getByRole('article', { name: 'Reply Drafter' }).getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reply Drafter' }).waitFor();
    const name = page.getByRole('textbox', { name: /^Name\b/ });
    await name.fill('Reply Drafter (mine)');
    const runs = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Runs', exact: true });
    await runs.click();
    const ask = page.getByRole('dialog', { name: 'Discard your changes?' });
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await ask.waitFor({ state: 'detached' });
    assert.equal(await name.inputValue(), 'Reply Drafter (mine)', 'the change is still there');
    await runs.click();
    await ask.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    const agents = await p.json<Scheduled>('/agents', { token: nina.token });
    assert.ok(
      agents.body.items.some((a) => a.name === 'Reply Drafter'),
      'nothing was saved',
    );
  });

  await t.test('no console errors on the way', () => assert.deepEqual(consoleErrors, []));
});
