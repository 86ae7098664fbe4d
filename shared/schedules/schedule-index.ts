import type { CosmosStore } from '../platform/cosmos/store';
import { nextSlot, type Schedule } from './schedule';

export type ScheduleTargetType = 'agent' | 'workflow';

/** One scheduled agent or workflow in the `system` container, found by the scheduler through `nextRunAt`. */
export interface ScheduleEntry {
  id: string;
  pk: typeof SCHEDULE_PK;
  tenantId: string;
  targetType: ScheduleTargetType;
  targetId: string;
  schedule: Schedule;
  /** ISO instant of the next slot (UTC). */
  nextRunAt: string;
  updatedAt: string;
  _etag?: string;
}

export const SCHEDULE_PK = 'schedules';

const scheduleEntryId = (tenantId: string, type: ScheduleTargetType, id: string) =>
  `schedule:${tenantId}:${type}:${id}`;

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The schedule index: one small document per scheduled target in one partition of the `system` container, so the
 * scheduler finds everything due with a single indexed range query on `nextRunAt`.
 */
export interface ScheduleIndex {
  /** Sets (or replaces) the target's schedule; the next slot is computed from `now`. */
  set(
    tenantId: string,
    targetType: ScheduleTargetType,
    targetId: string,
    schedule: Schedule,
    now: Date,
  ): Promise<ScheduleEntry | undefined>;
  remove(tenantId: string, targetType: ScheduleTargetType, targetId: string): Promise<void>;
  get(tenantId: string, targetType: ScheduleTargetType, targetId: string): Promise<ScheduleEntry | undefined>;
  /** Everything due at `now`: one single-partition query on the indexed `nextRunAt`. */
  due(now: Date, max?: number): Promise<ScheduleEntry[]>;
  /**
   * Moves the entry to its next slot, only if nobody else did (If-Match). Returns false when another timer
   * invocation advanced it first or the entry was removed.
   */
  advance(entry: ScheduleEntry, nextRunAt: Date | undefined, now: Date): Promise<boolean>;
  /** Erasure: removes every schedule of the tenant. */
  removeAllOfTenant(tenantId: string): Promise<number>;
}

export function createScheduleIndex(store: CosmosStore): ScheduleIndex {
  const systemContainer = () => store.container('system');

  const service: ScheduleIndex = {
    async set(
      tenantId: string,
      targetType: ScheduleTargetType,
      targetId: string,
      schedule: Schedule,
      now: Date,
    ): Promise<ScheduleEntry | undefined> {
      const next = nextSlot(schedule, now);
      if (!next) {
        await service.remove(tenantId, targetType, targetId);
        return undefined;
      }
      const entry: ScheduleEntry = {
        id: scheduleEntryId(tenantId, targetType, targetId),
        pk: SCHEDULE_PK,
        tenantId,
        targetType,
        targetId,
        schedule,
        nextRunAt: next.toISOString(),
        updatedAt: now.toISOString(),
      };
      await (await systemContainer()).items.upsert(entry);
      return entry;
    },

    async remove(tenantId: string, targetType: ScheduleTargetType, targetId: string): Promise<void> {
      try {
        await (await systemContainer()).item(scheduleEntryId(tenantId, targetType, targetId), SCHEDULE_PK).delete();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },

    async get(tenantId: string, targetType: ScheduleTargetType, targetId: string): Promise<ScheduleEntry | undefined> {
      try {
        const { resource } = await (
          await systemContainer()
        )
          .item(scheduleEntryId(tenantId, targetType, targetId), SCHEDULE_PK)
          .read<ScheduleEntry>();
        return resource ?? undefined;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },

    async due(now: Date, max = 500): Promise<ScheduleEntry[]> {
      const iterator = (await systemContainer()).items.query<ScheduleEntry>(
        {
          query: 'SELECT * FROM c WHERE c.pk = @pk AND c.nextRunAt <= @now ORDER BY c.nextRunAt',
          parameters: [
            { name: '@pk', value: SCHEDULE_PK },
            { name: '@now', value: now.toISOString() },
          ],
        },
        { partitionKey: SCHEDULE_PK, maxItemCount: max },
      );
      const { resources } = await iterator.fetchNext();
      return resources;
    },

    async advance(entry: ScheduleEntry, nextRunAt: Date | undefined, now: Date): Promise<boolean> {
      const container = await systemContainer();
      try {
        if (!nextRunAt) {
          await container
            .item(entry.id, SCHEDULE_PK)
            .delete({ accessCondition: { type: 'IfMatch', condition: entry._etag! } });
          return true;
        }
        const { _etag, ...body } = entry;
        await container
          .item(entry.id, SCHEDULE_PK)
          .replace(
            { ...body, nextRunAt: nextRunAt.toISOString(), updatedAt: now.toISOString() },
            { accessCondition: { type: 'IfMatch', condition: _etag! } },
          );
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 404) return false;
        throw err;
      }
    },

    async removeAllOfTenant(tenantId: string): Promise<number> {
      const container = await systemContainer();
      const { resources } = await container.items
        .query<{ id: string }>(
          {
            query: 'SELECT c.id FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId',
            parameters: [
              { name: '@pk', value: SCHEDULE_PK },
              { name: '@tenantId', value: tenantId },
            ],
          },
          { partitionKey: SCHEDULE_PK },
        )
        .fetchAll();
      for (const { id } of resources) {
        try {
          await container.item(id, SCHEDULE_PK).delete();
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
      }
      return resources.length;
    },
  };
  return service;
}
