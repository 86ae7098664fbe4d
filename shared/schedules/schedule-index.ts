import { createDueIndex } from '../platform/cosmos/due-index';
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
  const entries = createDueIndex<ScheduleEntry>(store, SCHEDULE_PK, 'nextRunAt');

  const service: ScheduleIndex = {
    async set(tenantId, targetType, targetId, schedule, now) {
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
      await entries.put(entry);
      return entry;
    },

    remove: (tenantId, targetType, targetId) => entries.remove(scheduleEntryId(tenantId, targetType, targetId)),

    get: (tenantId, targetType, targetId) => entries.get(scheduleEntryId(tenantId, targetType, targetId)),

    due: (now, max = 500) => entries.due(now, max),

    advance: (entry, nextRunAt, now) => entries.advance(entry, nextRunAt, now),

    removeAllOfTenant: (tenantId) => entries.removeAllOfTenant(tenantId),
  };
  return service;
}
