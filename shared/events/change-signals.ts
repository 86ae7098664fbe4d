import type { CosmosStore } from '../platform/cosmos/store';
import { AppError, NotFoundError } from '../platform/errors';
import { mapLimited } from '../platform/pool';
import type { Coalescer, OrchestrationLauncher } from './coalescer';
import { sourceOf, type ChangeSource, type EventFilter, type EventTrigger } from './event-kinds';
import { SIGNAL_PK as DEDUPE_PK, type TriggerEntry, type TriggerIndex } from './trigger-index';

/** A change at a connected account, as every notification path (push or poll) reports it. */
export interface ChangeSignal {
  tenantId: string;
  /** The connected account that changed. */
  connectorId: string;
  source: ChangeSource;
  /**
   * Where the provider says the change is (a Gmail history id, a Graph delta link, a time). Informational: each
   * run reads from its own watermark, so a hint that is missing or stale loses nothing.
   */
  cursorHint?: string;
  /**
   * Names this notification: a redelivered or duplicated one carries the same key and starts nothing (e.g.
   * `gmail:<email>:<historyId>`, `graph:<subscriptionId>:<changeId>`, `poll:<connectorId>:mail:<cursor>`).
   */
  dedupeKey: string;
}

export interface SignalResult {
  /** The key was seen before: nothing was done. */
  duplicate: boolean;
  /** Runs this change started (deterministic run ids). */
  started: string[];
  /** Runs in flight that will be followed by exactly one more run. */
  coalesced: string[];
  /** Targets whose trigger filter none of the changed items passed. */
  filteredOut: number;
  /** Targets that are gone or disabled, or whose run was refused. */
  refused: number;
}

/** The one entry point after a notification has been tied to a tenant, a connected account and a source. */
export interface ChangeSignals {
  /**
   * Reports a change. Idempotent on `dedupeKey` (kept for `DEDUPE_DAYS`). Each agent and workflow of the tenant
   * with an event trigger on this source (whose filter, if any, a changed item passes) gets a run: a new one when
   * none of its event-triggered runs is in flight, otherwise the one in flight is marked so that exactly one
   * follow-up run starts when it ends. Runs read only what is new since their own watermark.
   *
   * `launcher` starts the runs: the Durable client of the calling function (`durableStarter(df.getClient(context))`,
   * so the function registers `extraInputs: [df.input.durableClient()]`).
   *
   * Throws when the change could not be handled (the key is then released, so a redelivery tries again).
   */
  signal(change: ChangeSignal, launcher: OrchestrationLauncher): Promise<SignalResult>;
}

export interface ChangeSignalDeps {
  store: CosmosStore;
  now: () => Date;
  triggers: () => TriggerIndex;
  coalescer: () => Coalescer;
  /**
   * True when an item changed at the account since `since` passes `filter` (mail: label, sender, domain; files:
   * folder). Only asked for triggers with a filter.
   */
  anyChangeMatches(
    tenantId: string,
    connectorId: string,
    source: ChangeSource,
    filter: EventFilter,
    since: Date,
  ): Promise<boolean>;
  /** How far back a filtered trigger that never looked before checks (minutes). */
  firstLookMinutes: number;
}

const DEDUPE_DAYS = 7;

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function createChangeSignals(deps: ChangeSignalDeps): ChangeSignals {
  const system = () => deps.store.container('system');
  const markerId = (tenantId: string, key: string) =>
    `signal:${tenantId}:${key.replace(/[/\\?#]/g, '_')}`.slice(0, 250);

  async function claim(change: ChangeSignal): Promise<boolean> {
    try {
      await (
        await system()
      ).items.create({
        id: markerId(change.tenantId, change.dedupeKey),
        pk: DEDUPE_PK,
        tenantId: change.tenantId,
        at: deps.now().toISOString(),
        ttl: DEDUPE_DAYS * 86_400,
      });
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async function release(change: ChangeSignal): Promise<void> {
    try {
      await (await system()).item(markerId(change.tenantId, change.dedupeKey), DEDUPE_PK).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async function passes(change: ChangeSignal, entry: TriggerEntry, trigger: EventTrigger): Promise<boolean> {
    if (!trigger.filter || Object.keys(trigger.filter).length === 0) return true;
    const target = { type: entry.targetType, id: entry.targetId };
    const state = await deps.coalescer().get(change.tenantId, target);
    const lookedUntil = state?.checkedUntil[change.source];
    const since = lookedUntil ? new Date(lookedUntil) : new Date(deps.now().getTime() - deps.firstLookMinutes * 60_000);
    const startedLooking = deps.now();
    const match = await deps.anyChangeMatches(
      change.tenantId,
      change.connectorId,
      change.source,
      trigger.filter,
      since,
    );
    await deps.coalescer().checked(change.tenantId, target, change.source, startedLooking);
    return match;
  }

  return {
    async signal(change, launcher) {
      const result: SignalResult = { duplicate: false, started: [], coalesced: [], filteredOut: 0, refused: 0 };
      if (!(await claim(change))) return { ...result, duplicate: true };
      try {
        const entries = await deps.triggers().ofTenant(change.tenantId);
        await mapLimited(entries, 4, async (entry) => {
          const trigger = entry.triggers.find((t) => sourceOf(t.on) === change.source);
          if (!trigger) return;
          if (!(await passes(change, entry, trigger))) {
            result.filteredOut += 1;
            return;
          }
          const target = { type: entry.targetType, id: entry.targetId };
          let outcome;
          try {
            outcome = await deps
              .coalescer()
              .request(change.tenantId, target, { on: trigger.on, source: change.source }, launcher);
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            // The target is gone (its trigger goes too), disabled, or refused the run: the others still run.
            if (err instanceof NotFoundError)
              await deps.triggers().remove(change.tenantId, target.type, target.id, deps.now());
            result.refused += 1;
            return;
          }
          if ('started' in outcome) result.started.push(outcome.started);
          else result.coalesced.push(outcome.coalesced);
        });
        return result;
      } catch (err) {
        await release(change).catch(() => undefined);
        throw err;
      }
    },
  };
}
