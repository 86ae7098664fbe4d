/**
 * The web app on a 390px phone and at 200% zoom (a 1280px window at 200% is 640 CSS pixels wide), in Chromium
 * against the local platform with real data: no screen scrolls sideways (WCAG reflow), each screen's main actions
 * are inside the viewport, and a tap on a suggestion's row opens it.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, screenshot, seriousViolations, watchConsole } from '../support/browser';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'mae@example.com';

let p: TestPlatform;
let mae: Person;
let runId = '';
let browser: Browser;

const SIZES = [
  {
    name: 'phone',
    options: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  },
  { name: 'zoom200', options: { viewport: { width: 640, height: 430 }, deviceScaleFactor: 2 } },
] as const;

/** The screens, each with the actions a person comes to it for. */
const SCREENS: { path: () => string; heading: RegExp; actions: (page: Page) => Locator[] }[] = [
  {
    path: () => '/',
    heading: /Hello, Mae/,
    actions: (page) => [page.getByRole('button', { name: 'Sign out' })],
  },
  {
    path: () => '/suggestions',
    heading: /^Suggestions$/,
    actions: (page) => [
      page
        .getByRole('list', { name: 'Suggestions' })
        .getByRole('button', { name: /^Review / })
        .first(),
      page.getByRole('checkbox', { name: 'Select all' }),
      page.getByRole('button', { name: /^Approve selected/ }),
      page.getByRole('button', { name: 'Sign out' }),
    ],
  },
  {
    path: () => '/runs',
    heading: /^Runs$/,
    actions: (page) => [page.getByRole('table', { name: 'Runs' }).getByRole('link').first()],
  },
  {
    path: () => `/runs/${runId}`,
    heading: /Inbox Assistant/,
    actions: (page) => [page.getByRole('region', { name: 'Progress' })],
  },
  {
    path: () => '/agents',
    heading: /^Agents$/,
    actions: (page) => [
      page.getByRole('button', { name: 'Run now: workflow Inbox Assistant' }),
      page.getByRole('link', { name: 'New workflow' }),
    ],
  },
  {
    path: () => '/settings',
    heading: /^Settings$/,
    actions: (page) => [page.getByRole('button', { name: 'Save', exact: true })],
  },
  {
    path: () => '/connectors',
    heading: /^Connectors$/,
    actions: (page) => [page.getByRole('button', { name: /^Connect / }).first()],
  },
  {
    path: () => '/catalog',
    heading: /^Catalog$/,
    actions: (page) => [page.getByRole('link', { name: /^Install / }).first()],
  },
];

/** How far the page scrolls sideways, and the widest elements when it does (to say what is too wide). */
async function sidewaysOverflow(page: Page): Promise<{ overflow: number; culprits: string[] }> {
  // A string: this file is type-checked without the DOM library.
  return page.evaluate<{ overflow: number; culprits: string[] }>(`(() => {
    // Against the layout width the page was given (a phone browser widens innerWidth to fit content that is too wide).
    const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const culprits = [];
    if (overflow > 0) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > document.documentElement.clientWidth + 1 && culprits.length < 6)
          culprits.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ').slice(0, 2).join('.') + ' right=' + Math.round(r.right));
      }
    }
    return { overflow, culprits };
  })()`);
}

/** True when the element is entirely inside the viewport's width (reachable without sideways scrolling). */
async function insideWidth(page: Page, locator: Locator): Promise<boolean> {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  const width = page.viewportSize()!.width;
  return !!box && box.x >= 0 && box.x + box.width <= width + 0.5;
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${p.platform.origin}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Name').fill('Mae Jemison');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: /Hello, Mae/ }).waitFor();
}

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  mae = await p.person(EMAIL, 'Mae Jemison');
  await p.connectGoogle(mae);
  const install = await p.json<{ workflowIds: string[] }>('/packs/inbox-assistant/install', {
    method: 'POST',
    token: mae.token,
  });
  assert.ok(install.status === 200 || install.status === 201, `install answered ${install.status}`);
  const started = await p.json<{ id: string }>('/orchestration/runs', {
    token: mae.token,
    json: { workflowId: install.body.workflowIds[0] },
  });
  runId = started.body.id;
  const run = await p.finishedRun(mae, runId, 120_000);
  assert.equal(run.status, 'completed');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

for (const size of SIZES) {
  test(`every screen at ${size.name} width`, { skip: unavailable }, async (t) => {
    const context: BrowserContext = await browser.newContext(size.options);
    const page = await context.newPage();
    const errors = watchConsole(page);
    await signIn(page);
    for (const screen of SCREENS) {
      await t.test(`${screen.path()}: no sideways scrolling, main actions in view`, async () => {
        await page.goto(`${p.platform.origin}${screen.path()}`);
        await page.getByRole('heading', { level: 1, name: screen.heading }).waitFor();
        await page.waitForLoadState('networkidle');
        for (const action of screen.actions(page)) await action.waitFor();
        const { overflow, culprits } = await sidewaysOverflow(page);
        if (overflow > 0) await screenshot(page, `failed-${size.name}${screen.path().replace(/\//g, '-')}`);
        assert.ok(overflow <= 0, `${screen.path()} scrolls sideways by ${overflow}px: ${culprits.join(', ')}`);
        for (const action of screen.actions(page))
          assert.ok(await insideWidth(page, action), `${action.toString()} is inside the viewport on ${screen.path()}`);
        assert.deepEqual(await seriousViolations(page), [], `accessibility on ${screen.path()}`);
      });
    }

    await t.test('a tap on a suggestion row opens it', async () => {
      await page.goto(`${p.platform.origin}/suggestions`);
      const row = page.getByRole('list', { name: 'Suggestions' }).getByRole('listitem').first();
      await row.waitFor();
      const box = (await row.boundingBox())!;
      // The middle of the row, away from its checkbox and its Review button.
      await page.mouse.click(box.x + box.width * 0.45, box.y + box.height / 2);
      await page.getByRole('dialog').getByText('What will happen').waitFor();
      assert.ok(new URL(page.url()).searchParams.get('open'), 'the suggestion is open');
      const { overflow } = await sidewaysOverflow(page);
      assert.ok(overflow <= 0, `the open suggestion scrolls sideways by ${overflow}px`);
      const send = page.getByRole('dialog').getByRole('button', { name: /^(Send|Approve)$/ });
      assert.ok(await insideWidth(page, send), 'its main action is inside the viewport');
      await screenshot(page, `suggestion-${size.name}`);
    });

    await t.test('no console errors', () => assert.deepEqual(errors, []));
    await context.close();
  });
}
