// Killing the runtime (SIGKILL, no shutdown) and starting it again keeps Cosmos data and queued messages; a message
// that was being handled when it died is delivered again, and a timer occurrence missed meanwhile runs as past due.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CosmosClient } from '@azure/cosmos';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { eventually } from '../support/eventually';

const APP = join(__dirname, '../fixtures/conformance-app');

describe('local runtime: kill and restart', () => {
  let platform: LocalPlatform;
  before(async () => {
    platform = await startLocalPlatform({ app: APP, services: ['cosmos'] });
  });
  after(() => platform?.stop());

  const cosmos = () =>
    new CosmosClient({
      endpoint: platform.settings.COSMOS_ENDPOINT!,
      key: platform.settings.COSMOS_KEY!,
      agent: new Agent({ rejectUnauthorized: false }),
      connectionPolicy: { enableEndpointDiscovery: false },
    });

  it('keeps Cosmos documents, queued and in-flight messages, and timer schedules across a SIGKILL', async () => {
    let client = cosmos();
    const { database } = await client.databases.createIfNotExists({ id: 'restartdb' });
    const { container } = await database.containers.createIfNotExists({
      id: 'notes',
      partitionKey: { paths: ['/tenantId'] },
    });
    await container.items.create({ id: 'n1', tenantId: 't1', text: 'survives a crash' });
    client.dispose();

    const publish = await fetch(`${platform.origin}/runtime/broker/parked/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { messageId: 'held', body: { hold: true } },
        { messageId: 'queued', body: { hold: false } },
      ]),
    });
    assert.equal(publish.status, 202);
    const seen = async () =>
      (await (await platform.api('/seen')).json()) as { fn: string; meta: Record<string, any> }[];
    // The first message is being handled (and held); the second waits behind it (maxConcurrentCalls 1).
    await eventually(
      seen,
      (s) => s.some((x) => x.fn === 'parked:start' && x.meta.messageId === 'held'),
      'the first message to be in hand',
    );
    // The Cosmos export follows each write within a moment: wait until it holds the document, then crash.
    const snapshot = join(platform.dataDir, 'cosmos', 'snapshot.json');
    await eventually(
      async () => (existsSync(snapshot) ? readFileSync(snapshot, 'utf8') : ''),
      (text) => text.includes('survives a crash'),
      'the Cosmos export to hold the document',
    );

    await platform.kill();
    // While it is down, let an occurrence of the every-second timer pass unserved.
    const timers = JSON.parse(readFileSync(join(platform.dataDir, 'timers.json'), 'utf8')) as Record<
      string,
      { next: string }
    >;
    const missed = Date.parse(timers.everySecond!.next);
    await eventually(
      async () => Date.now(),
      (now) => now > missed + 1500,
      'a timer occurrence to pass while the runtime is down',
    );
    await platform.restart();

    const after = await eventually(
      seen,
      (s) => s.filter((x) => x.fn === 'parked').length === 2,
      'both messages handled',
    );
    const handled = Object.fromEntries(
      after.filter((x) => x.fn === 'parked').map((x) => [x.meta.messageId, x.meta.deliveryCount]),
    );
    assert.deepEqual(handled, { held: 2, queued: 1 }, 'the in-flight message is delivered again; the queued one once');

    const firstTick = await eventually(
      async () =>
        ((await (await platform.api('/ticks')).json()) as { fn: string; isPastDue: boolean }[]).find(
          (t) => t.fn === 'everySecond',
        ),
      (t) => t !== undefined,
      'the first tick after the restart',
    );
    assert.equal(firstTick!.isPastDue, true, 'the occurrence missed while down runs at start as past due');

    client = cosmos();
    const { resource } = await client.database('restartdb').container('notes').item('n1', 't1').read();
    client.dispose();
    assert.equal(resource?.text, 'survives a crash');
  });
});
