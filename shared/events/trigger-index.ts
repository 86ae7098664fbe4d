import { createDueIndex, createIndexPartition } from '../platform/cosmos/due-index';
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
  const targets = createIndexPartition<TriggerEntry>(store, TRIGGER_PK);
  const polls = createDueIndex<PollEntry>(store, POLL_PK, 'nextPollAt');
  const signals = createIndexPartition(store, SIGNAL_PK);

  async function syncPolls(tenantId: string, now: Date): Promise<void> {
    const watched = new Set((await targets.ofTenant(tenantId)).flatMap((e) => e.triggers.map((t) => sourceOf(t.on))));
    for (const source of ['mail', 'calendar', 'files'] as const) {
      const id = pollId(tenantId, source);
      if (!watched.has(source)) {
        await polls.remove(id);
        continue;
      }
      // A source already polled keeps its cursor and its next poll.
      await polls.createIfAbsent({
        id,
        pk: POLL_PK,
        tenantId,
        source,
        nextPollAt: new Date(now.getTime() + pollSeconds() * 1000).toISOString(),
        cursor: null,
        updatedAt: now.toISOString(),
      });
    }
  }

  const index: TriggerIndex = {
    async set(tenantId, targetType, targetId, triggers, now) {
      if (triggers.length === 0) return index.remove(tenantId, targetType, targetId, now);
      await targets.put({
        id: triggerId(tenantId, targetType, targetId),
        pk: TRIGGER_PK,
        tenantId,
        targetType,
        targetId,
        triggers,
        updatedAt: now.toISOString(),
      });
      await syncPolls(tenantId, now);
    },

    async remove(tenantId, targetType, targetId, now) {
      await targets.remove(triggerId(tenantId, targetType, targetId));
      await syncPolls(tenantId, now);
    },

    ofTenant: (tenantId) => targets.ofTenant(tenantId),

    due: (now, max) => polls.due(now, max),

    advance: (entry, nextPollAt, cursor, now) => polls.advance(entry, nextPollAt, now, { cursor }),

    async removeAllOfTenant(tenantId) {
      let removed = 0;
      for (const partition of [targets, polls, signals]) removed += await partition.removeAllOfTenant(tenantId);
      return removed;
    },
  };
  return index;
}
