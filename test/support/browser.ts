/**
 * Browser helpers for the web app's end-to-end tests: Debian's Chromium driven by playwright-core, accessibility
 * checks with axe-core, screenshots under test-results/screenshots/, and a record of console errors.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, patience } from './eventually';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '../../test-results/screenshots');
const AXE = createRequire(__filename).resolve('axe-core/axe.min.js');

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests`;
}

/**
 * Launches Chromium. Every context it opens waits (for elements, navigations) as long as 30 s of an idle machine take
 * on this one now (`patience`), so a suite sharing the cores with other work waits longer instead of failing.
 */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
  const open = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await open(options);
    context.setDefaultTimeout(patience(30_000));
    context.setDefaultNavigationTimeout(patience(30_000));
    return context;
  };
  return browser;
}

/** Console errors and uncaught exceptions seen on a page; the tests expect none. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Serious and critical findings of axe on the page once it stands still. A colour caught in the middle of a transition
 * (a busy machine draws late) is not a finding: a page with findings is checked again until it has none, or returns
 * the findings that are still there after 5 s (of an idle machine: `patience`).
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const found = await axeFindings(page);
  if (found.length === 0) return found;
  return eventually(
    () => axeFindings(page),
    (now) => now.length === 0,
    'the page without findings',
    5_000,
  ).catch(() => axeFindings(page));
}

/** Runs axe-core on the current page; returns serious and critical violations in a readable form. */
async function axeFindings(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the web app's Content Security Policy refuses inline scripts, rightly.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  // Evaluated in the page (a string, as this file is type-checked without the DOM library).
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // Full-page shots draw fixed bars where the page is scrolled to: start from the top.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function newContext(browser: Browser, phone = false): Promise<BrowserContext> {
  return browser.newContext(
    phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 860 } },
  );
}

/**
 * A window on the web app, signed in through the dev issuer as `name` <`email`> (each email is its own person), with
 * a record of its console errors. Signing in from `path` comes back to it, shown when its `heading` is there (by
 * default the home page's greeting); `phone` gives a 390px phone instead of a desktop window.
 */
export async function signedInPage(
  browser: Browser,
  origin: string,
  who: { email: string; name: string },
  at: { path?: string; heading?: string; phone?: boolean } = {},
): Promise<{ page: Page; consoleErrors: string[] }> {
  const page = await (await newContext(browser, at.phone)).newPage();
  const consoleErrors = watchConsole(page);
  await page.goto(`${origin}${at.path ?? '/'}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Name').fill(who.name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const heading = at.heading ?? `Hello, ${who.name.split(' ')[0]}`;
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  return { page, consoleErrors };
}
