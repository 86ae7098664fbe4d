import { createHash } from 'node:crypto';
import type { BlobStore } from '../../platform/blob/blob-store';
import type { Clock } from '../../platform/clock';
import type { CosmosStore } from '../../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../../platform/cosmos/tenant-repository';
import { NotFoundError } from '../../platform/errors';
import type { Snapshot, SnapshotRef, SnapshotSource, SnapshotStore } from '../types';

interface SnapshotDoc extends TenantDoc {
  hash: string;
  size: number;
  itemCount: number;
  connectorId: string;
  source: string;
  query: Record<string, unknown>;
  capturedAt: string;
  /** The last capture of the same content; retention counts from here. */
  lastCapturedAt: string;
  blobPath: string;
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

function countItems(data: unknown): number {
  if (Array.isArray(data)) return data.length;
  const items = (data as { items?: unknown })?.items;
  if (Array.isArray(items)) return items.length;
  return data === undefined || data === null ? 0 : 1;
}

/** Snapshots in Blob (content) and the `snapshots` container (metadata); see SnapshotStore. */
export function createSnapshotStore(deps: {
  store: CosmosStore;
  blobs: () => BlobStore;
  clock: Clock;
  retentionDays: number;
}): SnapshotStore {
  const repo = createTenantRepository<SnapshotDoc>(deps.store, 'snapshots', 'snapshot');
  const retentionMs = deps.retentionDays * 86_400_000;
  const ttl = deps.retentionDays * 86_400;

  return {
    async capture(tenantId, source: SnapshotSource, data): Promise<SnapshotRef> {
      const content = canonicalJson(data ?? null);
      const hash = createHash('sha256').update(content).digest('hex');
      const size = Buffer.byteLength(content, 'utf8');
      const itemCount = countItems(data);
      const snapshotId = `snap-${hash.slice(0, 40)}`;
      const now = deps.clock.now().toISOString();
      const blobPath = `snapshots/${hash}.json`;
      const existing = await repo.get(tenantId, snapshotId);
      if (existing && Date.parse(existing.lastCapturedAt) + retentionMs > deps.clock.now().getTime()) {
        // Same content as before: keep one copy, extend its retention.
        await repo.update(tenantId, snapshotId, (doc) => ({ ...doc, lastCapturedAt: now, ttl })).catch(() => undefined);
        return { snapshotId, hash, size, itemCount };
      }
      await deps.blobs().put(tenantId, blobPath, content, 'application/json');
      await repo.upsert({
        id: snapshotId,
        tenantId,
        hash,
        size,
        itemCount,
        connectorId: source.connectorId,
        source: source.source,
        query: JSON.parse(canonicalJson(source.query ?? {})) as Record<string, unknown>,
        capturedAt: now,
        lastCapturedAt: now,
        blobPath,
        ttl,
      });
      return { snapshotId, hash, size, itemCount };
    },

    async read<T>(tenantId: string, snapshotId: string): Promise<Snapshot<T>> {
      if (!/^snap-[0-9a-f]{40}$/.test(snapshotId)) throw new NotFoundError('snapshot');
      const doc = await repo.getOrThrow(tenantId, snapshotId);
      // The local store does not expire documents: retention is enforced here.
      if (Date.parse(doc.lastCapturedAt) + retentionMs <= deps.clock.now().getTime())
        throw new NotFoundError('snapshot');
      const content = await deps.blobs().get(tenantId, doc.blobPath);
      if (!content) throw new NotFoundError('snapshot');
      return {
        snapshotId,
        hash: doc.hash,
        size: doc.size,
        itemCount: doc.itemCount,
        connectorId: doc.connectorId,
        source: doc.source,
        query: doc.query,
        capturedAt: doc.capturedAt,
        data: JSON.parse(content.toString('utf8')) as T,
      };
    },
  };
}
