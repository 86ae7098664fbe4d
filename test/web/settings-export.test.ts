/**
 * "Export my data" in Settings, in Chromium against the local platform: the export is prepared in the background
 * with its progress shown, then the Download button saves the person's file; coming back after it expired says so.
 * Skipped, with the reason, when Chromium is not installed.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchBrowser, seriousViolations, signedInPage } from '../support/browser';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const unavailable = browserUnavailable();
const EMAIL = 'kit@example.com';

let p: TestPlatform;
let kit: Person;
let browser: Browser;
let page: Page;
let consoleErrors: string[] = [];

before(async () => {
  if (unavailable) return;
  p = await startTestPlatform();
  kit = await p.person(EMAIL, 'Kit');
  const agents = await p.services.cosmos().container('agents');
  for (let i = 0; i < 600; i++)
    await agents.items.create({ id: `kit-agent-${i}`, tenantId: kit.tenantId, name: `Kit's agent ${i}` });
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(
    browser,
    p.platform.origin,
    { email: EMAIL, name: 'Kit' },
    { path: '/settings', heading: 'Settings' },
  ));
});

after(async () => {
  await browser?.close();
  await p?.platform.stop();
});

test('exporting my data from Settings', { skip: unavailable }, async (t) => {
  let exportId = '';
  await t.test('the export is prepared in the background, then downloaded as a file', async () => {
    await page.getByRole('button', { name: 'Export my data' }).click();
    const ready = page.getByRole('status').filter({ hasText: 'Your export is ready' });
    await ready.waitFor({ timeout: 60_000 });
    // The 600 agents, the profile and the trail so far.
    assert.match((await ready.textContent()) ?? '', /Your export is ready: 6\d\d items, \d+ KB\./);
    assert.deepEqual(await seriousViolations(page), []);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download', exact: true }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^personal-agents-export-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      tenantId: string;
      containers: { agents: { name: string }[] };
    };
    assert.equal(file.tenantId, kit.tenantId);
    assert.equal(file.containers.agents.length, 600);
    assert.ok(file.containers.agents.every((a) => a.name.startsWith("Kit's agent")));
    const trail = await p.json<{ items: { action: string; target: { id: string } }[] }>('/audit?limit=20', {
      token: kit.token,
    });
    const downloaded = trail.body.items.find((r) => r.action === 'tenant.export.downloaded');
    assert.ok(downloaded, 'the download is in the audit trail');
    exportId = downloaded.target.id;
  });

  await t.test('coming back shows the export; once it expired, Settings says so in plain words', async () => {
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Your export is ready' }).waitFor();
    await p.services.exports().expire({ tenantId: kit.tenantId, exportId, expiresAt: new Date().toISOString() });
    await page.reload();
    await page.getByText('Your last export has expired and was deleted.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Download', exact: true }).count(), 0);
    await page.getByRole('button', { name: 'Export my data' }).waitFor();
  });

  // The expired export's status answering 404 is how the app learns it is gone; the browser logs that answer.
  const expired = `status of 404 (Not Found) @ ${p.platform.origin}/api/me/exports/${exportId}`;
  assert.deepEqual(
    consoleErrors.filter((e) => !e.endsWith(expired)),
    [],
  );
});
