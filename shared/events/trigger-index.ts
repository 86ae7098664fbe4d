import type { CosmosStore } from '../platform/cosmos/store';
import { sourceOf, type ChangeSource, type EventTrigger } from './event-kinds';

export type TriggerTargetType = 'agent' | 'workflow';

/** One agent or workflow with event triggers, in the `system` container (found per tenant by the change seam). */
export interface TriggerEntry {
  id: string;
  pk: typeof TRIGGER_PK;
  tenantId: string;
  targetType: TriggerTargetType;
  targetId: string;
  triggers: EventTrigger[];
  updatedAt: string;
}

/**
 * One watched source of one tenant (e.g. its mail), due for polling at `nextPollAt`: the poller finds what is due
 * with one indexed range query, as the scheduler does with the schedule index. `cursor` is the last position the
 * poller saw at the connected account (a history id, or a last-seen time), so a poll only asks what is new.
 */
export interface PollEntry {
  id: string;
  pk: typeof POLL_PK;
  tenantId: string;
  source: ChangeSource;
  nextPollAt: string;
  cursor: { connectorId: string; value: string } | null;
  updatedAt: string;
  _etag?: string;
}

const TRIGGER_PK = 'event-triggers';
const POLL_PK = 'event-polls';
/** Partition of the change seam's once-only markers (erased with the tenant's entries). */
export const SIGNAL_PK = 'change-signals';
const triggerId = (tenantId: string, type: TriggerTargetType, id: string) => `trigger:${tenantId}:${type}:${id}`;
const pollId = (tenantId: string, source: ChangeSource) => `poll:${tenantId}:${source}`;

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Which agents and workflows react to which changes, and which sources of which tenants are polled when. Kept in
 * step with the agents and workflows by their services (`set` on every save, `remove` on delete).
 */
export interface TriggerIndex {
  /**
   * Sets the target's triggers (an empty list, or a disabled target, removes them) and keeps the tenant's poll
   * entries to the sources some trigger still watches. A new source is first polled one interval from `now`.
   */
  set(
    tenantId: string,
    targetType: TriggerTargetType,
    targetId: string,
    triggers: EventTrigger[],
    now: Date,
  ): Promise<void>;
  remove(tenantId: string, targetType: TriggerTargetType, targetId: string, now: Date): Promise<void>;
  /** Every target of the tenant with a trigger (one query in the index partition). */
  ofTenant(tenantId: string): Promise<TriggerEntry[]>;
  /** Poll entries due at `now`, oldest first: one single-partition query on the indexed `nextPollAt`. */
  due(now: Date, max: number): Promise<PollEntry[]>;
  /** Moves a poll entry to its next poll with the cursor seen, only if nobody else did (If-Match). */
  advance(entry: PollEntry, nextPollAt: Date, cursor: PollEntry['cursor'], now: Date): Promise<boolean>;
  /** Erasure: every trigger entry, poll entry and change marker of the tenant. */
  removeAllOfTenant(tenantId: string): Promise<number>;
}

export function createTriggerIndex(store: CosmosStore, pollSeconds: () => number): TriggerIndex {
  const system = () => store.container('system');

  async function ignoreMissing(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async function syncPolls(tenantId: string, now: Date): Promise<void> {
    const watched = new Set((await index.ofTenant(tenantId)).flatMap((e) => e.triggers.map((t) => sourceOf(t.on))));
    const container = await system();
    for (const source of ['mail', 'calendar', 'files'] as const) {
      const id = pollId(tenantId, source);
      if (!watched.has(source)) {
        await ignoreMissing(() => container.item(id, POLL_PK).delete());
        continue;
      }
      const entry: PollEntry = {
        id,
        pk: POLL_PK,
        tenantId,
        source,
        nextPollAt: new Date(now.getTime() + pollSeconds() * 1000).toISOString(),
        cursor: null,
        updatedAt: now.toISOString(),
      };
      try {
        await container.items.create(entry);
      } catch (err) {
        if (statusOf(err) !== 409) throw err; // already polled: keep its cursor and its next poll
      }
    }
  }

  const index: TriggerIndex = {
    async set(tenantId, targetType, targetId, triggers, now) {
      if (triggers.length === 0) return index.remove(tenantId, targetType, targetId, now);
      const entry: TriggerEntry = {
        id: triggerId(tenantId, targetType, targetId),
        pk: TRIGGER_PK,
        tenantId,
        targetType,
        targetId,
        triggers,
        updatedAt: now.toISOString(),
      };
      await (await system()).items.upsert(entry);
      await syncPolls(tenantId, now);
    },

    async remove(tenantId, targetType, targetId, now) {
      const container = await system();
      await ignoreMissing(() => container.item(triggerId(tenantId, targetType, targetId), TRIGGER_PK).delete());
      await syncPolls(tenantId, now);
    },

    async ofTenant(tenantId) {
      const { resources } = await (
        await system()
      ).items
        .query<TriggerEntry>(
          {
            query: 'SELECT * FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId',
            parameters: [
              { name: '@pk', value: TRIGGER_PK },
              { name: '@tenantId', value: tenantId },
            ],
          },
          { partitionKey: TRIGGER_PK },
        )
        .fetchAll();
      return resources;
    },

    async due(now, max) {
      const { resources } = await (
        await system()
      ).items
        .query<PollEntry>(
          {
            query: 'SELECT * FROM c WHERE c.pk = @pk AND c.nextPollAt <= @now ORDER BY c.nextPollAt',
            parameters: [
              { name: '@pk', value: POLL_PK },
              { name: '@now', value: now.toISOString() },
            ],
          },
          { partitionKey: POLL_PK, maxItemCount: max },
        )
        .fetchNext();
      return resources.slice(0, max);
    },

    async advance(entry, nextPollAt, cursor, now) {
      const { _etag, ...body } = entry;
      try {
        await (
          await system()
        )
          .item(entry.id, POLL_PK)
          .replace(
            { ...body, cursor, nextPollAt: nextPollAt.toISOString(), updatedAt: now.toISOString() },
            { accessCondition: { type: 'IfMatch', condition: _etag! } },
          );
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 404) return false;
        throw err;
      }
    },

    async removeAllOfTenant(tenantId) {
      const container = await system();
      let removed = 0;
      for (const pk of [TRIGGER_PK, POLL_PK, SIGNAL_PK]) {
        const { resources } = await container.items
          .query<{ id: string }>(
            {
              query: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId',
              parameters: [
                { name: '@pk', value: pk },
                { name: '@tenantId', value: tenantId },
              ],
            },
            { partitionKey: pk },
          )
          .fetchAll();
        for (const { id } of resources) await ignoreMissing(() => container.item(id, pk).delete());
        removed += resources.length;
      }
      return removed;
    },
  };
  return index;
}
