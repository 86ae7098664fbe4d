// The asynchronous data export through the local runtime: asked for (202), written in the background as a stream,
// its status read (never written), downloaded through a short-lived link, one at a time, nobody else's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';

let t: TestPlatform;

type Json = Record<string, any>;

before(async () => {
  t = await startTestPlatform();
});
after(() => t?.platform.stop());

/** Every document of the tenant's exports and its export files, with their versions. */
async function exportState(tenantId: string): Promise<string> {
  const container = await t.services.cosmos().container('exports');
  const { resources } = await container.items
    .query(
      { query: 'SELECT c.id, c._etag FROM c WHERE c.tenantId = @t', parameters: [{ name: '@t', value: tenantId }] },
      { partitionKey: tenantId },
    )
    .fetchAll();
  const blobs = await t.services.blobs().list(tenantId, 'exports/');
  return JSON.stringify([resources.map((r) => `${r.id}:${r._etag}`).sort(), blobs]);
}

async function finished(person: Person, id: string): Promise<Json> {
  return (
    await eventually(
      () => t.json(`/me/exports/${id}`, { token: person.token }),
      (res) => res.status === 200 && res.body.status !== 'running',
      'the export to finish',
      60_000,
    )
  ).body;
}

async function seed(person: Person, agents: number): Promise<void> {
  const container = await t.services.cosmos().container('agents');
  for (let i = 0; i < agents; i++) {
    await container.items.create({
      id: `export-agent-${i}`,
      tenantId: person.tenantId,
      name: `${person.email} agent ${i}`,
    });
  }
}

describe('data export', () => {
  test('202 with its status, then a download of that person’s data and nobody else’s', async () => {
    const ann = await t.person('ann-export@example.test', 'Ann');
    const bob = await t.person('bob-export@example.test', 'Bob');
    await seed(ann, 450);
    await seed(bob, 3);
    const connectors = await t.services.cosmos().container('connectors');
    await connectors.items.create({
      id: 'ann-conn',
      tenantId: ann.tenantId,
      provider: 'google',
      accountEmail: 'ann@gmail.test',
      encryptedTokens: 'AES-GCM-CIPHERTEXT-VALUE',
    });
    await t.services.blobs().put(ann.tenantId, 'docs/notes.txt', "Ann's notes", 'text/plain');

    const started = await t.json('/me/exports', { method: 'POST', token: ann.token });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.status, 'running');
    const location = started.headers.get('location')!;
    assert.ok(location.endsWith(`/api/me/exports/${started.body.id}`), location);

    const ready = await finished(ann, started.body.id);
    assert.equal(ready.status, 'ready', JSON.stringify(ready));
    assert.equal(ready.documents.agents, 450);
    assert.equal(ready.progress.written, ready.progress.total);
    assert.ok(ready.size > 450 * 40, `size ${ready.size}`);
    assert.ok(Date.parse(ready.expiresAt) > Date.now() + 24 * 3_600_000, 'kept for days');
    assert.ok(Date.parse(ready.download.expiresAt) < Date.now() + 3_600_000, 'the link is short-lived');

    // The link leads (without sign-in) to the file itself.
    const file = await fetch(ready.download.url);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /attachment/);
    const text = await file.text();
    assert.equal(Buffer.byteLength(text), ready.size);
    const body = JSON.parse(text) as Json;
    assert.equal(body.format, 'personal-agents-export/1');
    assert.equal(body.tenantId, ann.tenantId);
    assert.equal(body.containers.agents.length, 450);
    assert.ok(body.containers.agents.every((a: Json) => a.name.startsWith('ann-export@')));
    assert.equal(body.containers.tenants[0].displayName, 'Ann');
    assert.ok(!text.includes(bob.tenantId) && !text.includes('bob-export@'), 'nothing of another person');
    assert.ok(!text.includes('AES-GCM-CIPHERTEXT-VALUE'), 'no secrets');
    assert.equal(body.containers.connectors[0].accountEmail, 'ann@gmail.test');
    assert.equal(
      Buffer.from(body.blobs.find((b: Json) => b.path === 'docs/notes.txt').base64, 'base64').toString(),
      "Ann's notes",
    );
    assert.equal(body.containers.exports, undefined, 'the export does not hold itself');

    // Requested, ready and downloaded are in the trail.
    const trail = await t.json('/audit?limit=50', { token: ann.token });
    const actions = (trail.body.items as Json[]).map((r) => r.action);
    for (const action of ['tenant.export.requested', 'tenant.export.ready', 'tenant.export.downloaded'])
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);

    // A changed or expired link is refused, in plain words.
    const forged = new URL(ready.download.url);
    forged.searchParams.set('token', `${forged.searchParams.get('token')!.slice(0, -2)}xx`);
    const refused = await fetch(forged, { redirect: 'manual' });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /expired/);
  });

  test('a second request while one is written answers that same export', async () => {
    const cy = await t.person('cy-export@example.test');
    await seed(cy, 300);
    const [first, second] = await Promise.all([
      t.json('/me/exports', { method: 'POST', token: cy.token }),
      t.json('/me/exports', { method: 'POST', token: cy.token }),
    ]);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(first.body.id, second.body.id, 'one export in flight');
    const third = await t.json('/me/exports', { method: 'POST', token: cy.token });
    const done = await finished(cy, first.body.id);
    assert.equal(done.status, 'ready');
    if (third.body.id !== first.body.id) {
      // Asked after the first was finished: a new one.
      assert.equal((await finished(cy, third.body.id)).status, 'ready');
    }
    // Once finished, a new request starts a new export.
    const next = await t.json('/me/exports', { method: 'POST', token: cy.token });
    assert.equal(next.status, 202);
    assert.notEqual(next.body.id, first.body.id);
    assert.equal((await finished(cy, next.body.id)).status, 'ready');
  });

  test("another person's export is 404, and reading a status writes nothing", async () => {
    const dee = await t.person('dee-export@example.test');
    const eve = await t.person('eve-export@example.test');
    const started = await t.json('/me/exports', { method: 'POST', token: dee.token });
    const ready = await finished(dee, started.body.id);
    assert.equal(ready.status, 'ready');

    const before = await exportState(dee.tenantId);
    for (let i = 0; i < 3; i++) {
      const own = await t.json(`/me/exports/${started.body.id}`, { token: dee.token });
      assert.equal(own.status, 200);
      const other = await t.json(`/me/exports/${started.body.id}`, { token: eve.token });
      assert.equal(other.status, 404);
      assert.equal(other.headers.get('content-type'), 'application/problem+json');
    }
    assert.equal(await exportState(dee.tenantId), before, 'no document or file changed');
    const missing = await t.json('/me/exports/not-an-export', { token: dee.token });
    assert.equal(missing.status, 404);
  });

  test('account deletion removes the exports, their files and their orchestrations', async () => {
    const fay = await t.person('fay-export@example.test');
    const started = await t.json('/me/exports', { method: 'POST', token: fay.token });
    await finished(fay, started.body.id);
    const erased = await t.json('/me', { method: 'DELETE', token: fay.token });
    assert.equal(erased.status, 200, JSON.stringify(erased.body));
    assert.ok(erased.body.orchestrations >= 1, 'the export orchestration was purged');
    assert.equal(JSON.parse(await exportState(fay.tenantId))[0].length, 0);
    assert.deepEqual(await t.services.blobs().list(fay.tenantId, 'exports/'), []);
    const status = await t
      .durableClient()
      .getStatus(`export:${fay.tenantId}:${started.body.id}`)
      .catch(() => undefined);
    assert.ok(!status?.runtimeStatus, 'no instance left');
  });
});
