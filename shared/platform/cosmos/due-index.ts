import type { Container } from '@azure/cosmos';
import type { CosmosStore } from './store';

/** The status code of a failed Cosmos call (the SDK puts it in `code`; some errors carry `statusCode`). */
function cosmosStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Runs a write whose target may already be gone (a delete racing another): a 404 is not an error. */
async function ignoreMissing(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (cosmosStatus(err) !== 404) throw err;
  }
}

/** One document of a platform-wide index: it names its partition and the tenant it belongs to. */
export interface IndexEntry {
  id: string;
  pk: string;
  tenantId: string;
  updatedAt?: string;
  _etag?: string;
}

/**
 * A platform-wide index kept in one partition of the `system` container (the scheduled targets, the targets with
 * event triggers, the open reservations): found across tenants with one single-partition query instead of a scan of
 * every tenant's documents.
 */
export interface IndexPartition<T extends IndexEntry> {
  /** Writes the entry (creates or replaces it). */
  put(entry: T): Promise<void>;
  /** Writes the entry unless one with its id exists; returns whether it wrote it. */
  createIfAbsent(entry: T): Promise<boolean>;
  get(id: string): Promise<T | undefined>;
  /** Removes the entry; one that is already gone is fine. */
  remove(id: string): Promise<void>;
  /** Every entry of the tenant. */
  ofTenant(tenantId: string): Promise<T[]>;
  /** Erasure: removes every entry of the tenant; returns how many there were. */
  removeAllOfTenant(tenantId: string): Promise<number>;
}

/**
 * An index of what is due when: each entry holds the instant it is next due in `dueField`; a timer tick finds what
 * is due with one indexed range query, and claims each entry by moving it on with If-Match, so of several ticks (or
 * instances) that saw the same entry exactly one acts on it.
 */
export interface DueIndex<T extends IndexEntry> extends IndexPartition<T> {
  /** Entries due at `now`, earliest first, at most `max`. */
  due(now: Date, max: number): Promise<T[]>;
  /**
   * Claims the entry: moves it to `next` (with `changes`), or removes it when there is no next time, only if nobody
   * else changed it since it was read (If-Match). Returns false when another tick claimed it first or it was removed.
   */
  advance(entry: T, next: Date | undefined, now: Date, changes?: Partial<T>): Promise<boolean>;
}

export function createIndexPartition<T extends IndexEntry>(store: CosmosStore, pk: T['pk']): IndexPartition<T> {
  const system = (): Promise<Container> => store.container('system');

  async function query<R>(sql: string, tenantId: string): Promise<R[]> {
    const { resources } = await (
      await system()
    ).items
      .query<R>(
        {
          query: sql,
          parameters: [
            { name: '@pk', value: pk },
            { name: '@tenantId', value: tenantId },
          ],
        },
        { partitionKey: pk },
      )
      .fetchAll();
    return resources;
  }

  return {
    async put(entry) {
      await (await system()).items.upsert(entry);
    },

    async createIfAbsent(entry) {
      try {
        await (await system()).items.create(entry);
        return true;
      } catch (err) {
        if (cosmosStatus(err) === 409) return false;
        throw err;
      }
    },

    async get(id) {
      try {
        const { resource } = await (await system()).item(id, pk).read<T>();
        return resource ?? undefined;
      } catch (err) {
        if (cosmosStatus(err) === 404) return undefined;
        throw err;
      }
    },

    async remove(id) {
      const container = await system();
      await ignoreMissing(() => container.item(id, pk).delete());
    },

    ofTenant: (tenantId) => query<T>('SELECT * FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId', tenantId),

    async removeAllOfTenant(tenantId) {
      const ids = await query<{ id: string }>(
        'SELECT c.id FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId',
        tenantId,
      );
      const container = await system();
      for (const { id } of ids) await ignoreMissing(() => container.item(id, pk).delete());
      return ids.length;
    },
  };
}

export function createDueIndex<T extends IndexEntry>(
  store: CosmosStore,
  pk: T['pk'],
  dueField: keyof T & string,
): DueIndex<T> {
  const system = (): Promise<Container> => store.container('system');

  return {
    ...createIndexPartition<T>(store, pk),

    async due(now, max) {
      const { resources } = await (
        await system()
      ).items
        .query<T>(
          {
            query: `SELECT * FROM c WHERE c.pk = @pk AND c.${dueField} <= @now ORDER BY c.${dueField}`,
            parameters: [
              { name: '@pk', value: pk },
              { name: '@now', value: now.toISOString() },
            ],
          },
          { partitionKey: pk, maxItemCount: max },
        )
        .fetchNext();
      return resources.slice(0, max);
    },

    async advance(entry, next, now, changes = {}) {
      const { _etag, ...body } = entry;
      const ifMatch = { accessCondition: { type: 'IfMatch', condition: _etag! } };
      const item = (await system()).item(entry.id, pk);
      try {
        if (!next) await item.delete(ifMatch);
        else
          await item.replace(
            { ...body, ...changes, [dueField]: next.toISOString(), updatedAt: now.toISOString() },
            ifMatch,
          );
        return true;
      } catch (err) {
        const status = cosmosStatus(err);
        if (status === 412 || status === 404) return false;
        throw err;
      }
    },
  };
}
