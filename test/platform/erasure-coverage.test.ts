import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { storageConnectionString } from '../../local/services/azurite';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';
import { CONTAINERS, type ContainerName } from '../../shared/platform/cosmos/containers';

// Erasure is complete from the composition root alone: this process never loads functions/ (the local runtime hosts
// a small fixture app, not this one), so no participant can come from a function file's import side effects.
let platform: LocalPlatform;
let services: Services;

before(async () => {
  platform = await startLocalPlatform({
    app: join(__dirname, '../fixtures/basic-app'),
    services: ['cosmos', 'azurite'],
    settings: { BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' },
  });
  // The fixture app has no settings for the app's stores: point them at the embedded ones.
  const blobPort = Number(new URL(platform.settings.AZURITE_BLOB_ENDPOINT!).port);
  services = createServices(
    loadSettings({
      ...platform.settings,
      COSMOS_CREATE_CONTAINERS: 'true',
      BLOB_CONNECTION_STRING: storageConnectionString({ blob: blobPort, queue: blobPort + 1, table: blobPort + 2 }),
    }),
  );
});
after(() => platform?.stop());

const tenantContainers = (Object.keys(CONTAINERS) as ContainerName[]).filter(
  (name) => CONTAINERS[name].partitionKey === '/tenantId',
);

async function tenantDocuments(tenantId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of tenantContainers) {
    const container = await services.cosmos().container(name);
    const { resources } = await container.items
      .query(
        { query: 'SELECT c.id FROM c WHERE c.tenantId = @t', parameters: [{ name: '@t', value: tenantId }] },
        { partitionKey: tenantId },
      )
      .fetchAll();
    out[name] = resources.length;
  }
  return out;
}

async function systemEntries(tenantId: string): Promise<string[]> {
  const container = await services.cosmos().container('system');
  const { resources } = await container.items
    .query<{ id: string }>({
      query: 'SELECT c.id FROM c WHERE c.tenantId = @t',
      parameters: [{ name: '@t', value: tenantId }],
    })
    .fetchAll();
  return resources.map((r) => r.id).sort();
}

test('erasing a tenant empties every tenant container, its files and its system entries', async () => {
  const tenantId = 'tenant-erased';
  const neighbour = 'tenant-kept';
  const now = services.clock.now();
  for (const owner of [tenantId, neighbour]) {
    for (const name of tenantContainers) {
      const container = await services.cosmos().container(name);
      await container.items.create({ id: name === 'tenants' ? owner : `seed-${name}`, tenantId: owner });
    }
    await services.blobs().put(owner, 'outputs/seed.json', '{}', 'application/json');
    await services.schedules().set(owner, 'agent', 'agt_seed', { cron: '0 7 * * *', timezone: 'UTC' }, now);
    await services.markers().claim('approval-link', `nonce-${owner}`, 3600, { tenantId: owner });
    await services.markers().claim('notified-run', `run-${owner}`, 3600, { tenantId: owner });
    await services.markers().claim('digest', owner, 3600, { tenantId: owner });
  }
  assert.deepEqual(
    Object.values(await tenantDocuments(tenantId)),
    tenantContainers.map(() => 1),
    'one document of the tenant in each tenant container',
  );
  assert.equal((await systemEntries(tenantId)).length, 4);

  const report = await services.privacy().eraseTenant(tenantId, { correlationId: 'erasure-coverage' });

  assert.deepEqual(report.failures, []);
  assert.deepEqual(
    await tenantDocuments(tenantId),
    Object.fromEntries(tenantContainers.map((name) => [name, 0])),
    'every container listed in containers.ts is empty for the tenant',
  );
  assert.deepEqual(await services.blobs().list(tenantId), []);
  assert.deepEqual(await systemEntries(tenantId), [], 'schedules and markers of the tenant are gone');
  // Another tenant's data is untouched.
  assert.deepEqual(
    Object.values(await tenantDocuments(neighbour)),
    tenantContainers.map(() => 1),
  );
  assert.equal((await services.blobs().list(neighbour)).length, 1);
  assert.equal((await systemEntries(neighbour)).length, 4);
});
