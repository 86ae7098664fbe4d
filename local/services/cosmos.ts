/**
 * Embedded Cosmos DB: the Cosmos-API server (`@vercel/cosmosdb-server`, HTTPS with a self-signed certificate) on a
 * loopback port. It keeps data in memory only, so this service persists it under `<data>/cosmos/`: every database,
 * container (with its definition) and document is exported through `@azure/cosmos` shortly after each write, every
 * 30 seconds while anything changed, and on shutdown; the export is imported on start. Skipped when COSMOS_ENDPOINT
 * points at a real account.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import { join } from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import { isLoopback, listenOn } from '../host/ports';
import type { EmbeddedServiceFactory } from './types';

/** The Cosmos DB emulator's well-known key (public; only ever used against local servers). */
const EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];
const FLUSH_DELAY_MS = 250;
const FLUSH_INTERVAL_MS = 30_000;

interface ContainerSnapshot {
  definition: Record<string, unknown>;
  items: Record<string, unknown>[];
}
interface Snapshot {
  version: 1;
  savedAt: string;
  databases: { id: string; containers: ContainerSnapshot[] }[];
}

function strip(doc: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...doc };
  for (const field of SYSTEM_FIELDS) delete copy[field];
  return copy;
}

async function exportAll(client: CosmosClient): Promise<Snapshot> {
  const snapshot: Snapshot = { version: 1, savedAt: new Date().toISOString(), databases: [] };
  const { resources: databases } = await client.databases.readAll().fetchAll();
  for (const db of databases) {
    const database = client.database(db.id);
    const { resources: containers } = await database.containers.readAll().fetchAll();
    const entry = { id: db.id, containers: [] as ContainerSnapshot[] };
    for (const def of containers) {
      const { resources: items } = await database.container(def.id).items.readAll().fetchAll();
      const definition: Record<string, unknown> = { id: def.id, partitionKey: def.partitionKey };
      if (def.indexingPolicy) definition.indexingPolicy = def.indexingPolicy;
      if (def.defaultTtl !== undefined) definition.defaultTtl = def.defaultTtl;
      if (def.uniqueKeyPolicy) definition.uniqueKeyPolicy = def.uniqueKeyPolicy;
      entry.containers.push({ definition, items: items.map((i) => strip(i as Record<string, unknown>)) });
    }
    snapshot.databases.push(entry);
  }
  return snapshot;
}

async function importAll(client: CosmosClient, snapshot: Snapshot): Promise<number> {
  let count = 0;
  for (const db of snapshot.databases) {
    const { database } = await client.databases.createIfNotExists({ id: db.id });
    for (const { definition, items } of db.containers) {
      const { container } = await database.containers.createIfNotExists(definition as { id: string });
      for (let i = 0; i < items.length; i += 25) {
        await Promise.all(items.slice(i, i + 25).map((item) => container.items.upsert(item)));
      }
      count += items.length;
    }
  }
  return count;
}

export const createCosmosService: EmbeddedServiceFactory = async (ctx) => {
  const configured = ctx.settings.COSMOS_ENDPOINT;
  if (configured && !isLoopback(configured)) {
    ctx.log(`Cosmos DB: using ${configured} (no embedded server).`);
    return undefined;
  }
  const dir = join(ctx.dataDir, 'cosmos');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'snapshot.json');

  let preferred = 8081;
  try {
    preferred = Number(new URL(configured ?? '').port) || 8081;
  } catch {
    // no configured endpoint: the emulator's usual port
  }
  const { createHttpsServer } = await import('@vercel/cosmosdb-server');
  const server: Server = createHttpsServer({ keepAlive: true } as never) as Server;
  // Clients keep idle sockets open (keep-alive agents without an idle timeout). With Node's 5 s default the server
  // closes an idle socket just as a client reuses it, and that request fails with ECONNRESET on a busy machine.
  // Keep idle sockets as long as the Cosmos DB gateway does in practice (minutes), so the client never loses the race.
  server.keepAliveTimeout = 5 * 60_000;

  let dirty = false;
  let flushTimer: NodeJS.Timeout | undefined;
  /** A big store takes longer to export: space exports out so they never take most of the time. */
  let nextFlushAt = 0;
  let flushing: Promise<void> | undefined;
  let stopped = false;

  server.on('request', (req, res) => {
    const isQuery =
      req.headers['x-ms-documentdb-isquery'] === 'true' || req.headers['x-ms-documentdb-query'] !== undefined;
    if (req.method === 'GET' || req.method === 'HEAD' || isQuery) return;
    res.on('finish', () => {
      if (res.statusCode < 400) markDirty();
    });
  });
  const { https: port } = await ctx.bindPorts({ https: preferred }, async (wanted) => ({
    https: await listenOn(server, wanted.https, '127.0.0.1'),
  }));
  const endpoint = `https://127.0.0.1:${port}`;
  const key = ctx.settings.COSMOS_KEY || EMULATOR_KEY;

  const [{ CosmosClient }, { Agent }] = await Promise.all([import('@azure/cosmos'), import('node:https')]);
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
  const client = new CosmosClient({ endpoint, key, agent, connectionPolicy: { enableEndpointDiscovery: false } });

  async function flush(): Promise<void> {
    if (flushing) {
      await flushing;
      if (!dirty) return;
    }
    flushing = (async () => {
      dirty = false;
      const started = Date.now();
      try {
        const snapshot = await exportAll(client);
        const tmp = `${file}.tmp`;
        writeFileSync(tmp, JSON.stringify(snapshot));
        renameSync(tmp, file);
        nextFlushAt = Date.now() + 3 * (Date.now() - started);
      } catch (err) {
        dirty = true;
        ctx.log(`Cosmos DB: could not save the data: ${(err as Error).message}`);
      }
    })();
    try {
      await flushing;
    } finally {
      flushing = undefined;
    }
  }

  function markDirty(): void {
    dirty = true;
    if (stopped || flushTimer) return;
    flushTimer = setTimeout(
      () => {
        flushTimer = undefined;
        void flush();
      },
      Math.max(FLUSH_DELAY_MS, nextFlushAt - Date.now()),
    );
  }

  const interval = setInterval(() => {
    if (dirty && !flushing) void flush();
  }, FLUSH_INTERVAL_MS);
  interval.unref();

  if (existsSync(file)) {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
    const count = await importAll(client, snapshot);
    ctx.log(`Cosmos DB: restored ${count} documents from ${file}.`);
    dirty = false;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
  }

  return {
    name: 'cosmos',
    env: { COSMOS_ENDPOINT: endpoint, COSMOS_KEY: key, COSMOS_TLS_INSECURE: 'true' },
    async stop() {
      stopped = true;
      if (flushTimer) clearTimeout(flushTimer);
      clearInterval(interval);
      if (dirty || flushing) await flush();
      client.dispose();
      agent.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
};
