import type { CosmosStore } from '../platform/cosmos/store';

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * "Do this once" markers in the `system` container: single-use approval links, processed event ids, one notification
 * per run. A create either wins (first time) or meets the existing document (409), atomically.
 */
export interface SystemMarkers {
  /** True when this call created the marker, false when it already existed. */
  claim(kind: string, key: string, ttlSeconds: number, data?: Record<string, unknown>): Promise<boolean>;
  /** Removes a marker (e.g. the work it guarded failed and should be retried). Missing is fine. */
  release(kind: string, key: string): Promise<void>;
  exists(kind: string, key: string): Promise<boolean>;
  /** Removes a tenant's markers of one kind (those created with a `tenantId` in their data). Erasure. */
  eraseTenant(kind: string, tenantId: string): Promise<number>;
}

export function createSystemMarkers(store: CosmosStore, now: () => Date): SystemMarkers {
  const id = (kind: string, key: string) => `${kind}:${key}`;
  return {
    async claim(kind, key, ttlSeconds, data = {}) {
      const container = await store.container('system');
      try {
        await container.items.create({
          id: id(kind, key),
          pk: kind,
          at: now().toISOString(),
          ttl: Math.max(60, Math.ceil(ttlSeconds)),
          ...data,
        });
        return true;
      } catch (err) {
        if (statusOf(err) === 409) return false;
        throw err;
      }
    },
    async release(kind, key) {
      const container = await store.container('system');
      try {
        await container.item(id(kind, key), kind).delete();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
    async eraseTenant(kind, tenantId) {
      const container = await store.container('system');
      const { resources } = await container.items
        .query<{ id: string }>(
          {
            query: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId',
            parameters: [
              { name: '@pk', value: kind },
              { name: '@tenantId', value: tenantId },
            ],
          },
          { partitionKey: kind },
        )
        .fetchAll();
      for (const { id: docId } of resources) {
        try {
          await container.item(docId, kind).delete();
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
      }
      return resources.length;
    },
    async exists(kind, key) {
      const container = await store.container('system');
      try {
        const { resource } = await container.item(id(kind, key), kind).read();
        return !!resource;
      } catch (err) {
        if (statusOf(err) === 404) return false;
        throw err;
      }
    },
  };
}
