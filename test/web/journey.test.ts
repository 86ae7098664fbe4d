/**
 * The web app end to end, in Debian's Chromium against the local platform: a person signs in through the dev OIDC
 * issuer, uses every screen, and the checks a person would notice hold on each (no serious accessibility
 * violations, no console errors, plain-word errors). Screenshots: test-results/screenshots/<screen>.png.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { browserUnavailable, launchBrowser, newContext, screenshot, seriousViolations, watchConsole } from './browser';

const unavailable = browserUnavailable();
const EMAIL = 'ada@example.com';

let platform: LocalPlatform;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[] = [];
let routes = new Set<string>();

/** API operations the running app registered ("GET /agents"), from its OpenAPI document. */
async function registeredRoutes(): Promise<Set<string>> {
  const doc = (await (await platform.api('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const out = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths)) for (const method of Object.keys(ops)) out.add(`${method.toUpperCase()} ${path.replace(/^\/api/, '')}`);
  return out;
}

function missing(...needed: string[]): string | undefined {
  const absent = needed.filter((r) => !routes.has(r));
  return absent.length ? `the API does not offer ${absent.join(', ')} yet` : undefined;
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

/** Waits for the screen's heading, lets data settle, checks accessibility and saves a screenshot. */
async function checkScreen(name: string, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await page.locator('[role="status"]').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
  const violations = await seriousViolations(page);
  assert.deepEqual(violations, [], `accessibility problems on ${name}`);
  await screenshot(page, name);
}

async function openFromNav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
}

before(async () => {
  if (unavailable) return;
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
    await page.goto(`${platform.origin}/settings`);
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

  await t.test('profile changes are saved and shown again after a reload', async () => {
    await openFromNav('Settings');
    await checkScreen('settings', 'Settings');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('option', { name: 'Europe/Paris', exact: true }).click();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Paris');
  });

  await t.test('export downloads all of the person’s data as JSON', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export my data' }).click();
    const file = await download;
    const document = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { format: string; containers: Record<string, { email?: string; timezone?: string }[]> };
    assert.equal(document.format, 'personal-agents-export/1');
    const tenants = Object.values(document.containers).flat();
    assert.ok(tenants.some((d) => d.email === EMAIL && d.timezone === 'Europe/Paris'), 'the export holds the saved profile');
    await page.getByText('Your data was downloaded as a JSON file.').waitFor();
  });

  await t.test('the audit trail shows what the person did, filterable', async () => {
    await openFromNav('Audit');
    await checkScreen('audit', 'Audit trail');
    const table = page.getByRole('table', { name: 'Audit trail' });
    await table.getByText('tenant.exported').waitFor();
    await page.getByLabel('Action').fill('tenant.exported');
    await page.waitForLoadState('networkidle');
    await table.getByText('tenant.exported').first().waitFor();
    const rows = await table.locator('tbody tr').count();
    assert.ok(rows >= 1);
    assert.equal(await table.locator('tbody tr', { hasNotText: 'tenant.exported' }).count(), 0, 'the filter leaves only matching actions');
  });

  await t.test('the suggestions inbox, dashboard and connectors screens load', async (st) => {
    const absent = missing('GET /suggestions', 'GET /dashboard', 'GET /connectors');
    if (absent) return st.skip(absent);
    await openFromNav('Suggestions');
    await checkScreen('suggestions', 'Suggestions');
    await page.getByText("You're all caught up").waitFor();
    await openFromNav('Dashboard');
    await checkScreen('dashboard', 'Dashboard');
    await openFromNav('Connectors');
    await checkScreen('connectors', 'Connectors');
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
    // Same session in a phone-sized window (the session lives in sessionStorage, so copy it over).
    const session = await page.evaluate<string>('JSON.stringify(Object.entries(sessionStorage))');
    const small = await newContext(browser, true);
    await small.addInitScript(`for (const [k, v] of ${session}) sessionStorage.setItem(k, v);`);
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
    assert.deepEqual(errors.filter((e) => !fromAbsentRoute(e)), []);
    await small.close();
  });

  await t.test('signing out ends the session', async () => {
    await page.goto(`${platform.origin}/`);
    await page.getByRole('heading', { level: 1, name: /Hello, Ada/ }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'signed-out');
    assert.equal(await page.evaluate<number>(`Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.user')).length`), 0);
  });

  await t.test('no console errors on the way', () => {
    // The deliberately missing run is the only failed request allowed (besides endpoints the API does not offer yet).
    const unexpected = consoleErrors.filter((e) => !/\/api\/orchestration\/runs\/run-that-does-not-exist/.test(e) && !fromAbsentRoute(e));
    assert.deepEqual(unexpected, []);
  });
});
