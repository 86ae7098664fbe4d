import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import type { ChangeSource, EventKind } from './event-kinds';
import type { TriggerTargetType } from './trigger-index';

/**
 * The event state of one agent or workflow (in the `eventState` container): the event-triggered run
 * in flight, whether changes arrived during it, and the last trigger (shown on the agent page).
 */
export interface TriggerStateDoc extends TenantDoc {
  type: 'trigger-state';
  targetType: TriggerTargetType;
  targetId: string;
  /** Number of event-triggered runs started so far; the next run id is derived from it. */
  seq: number;
  inFlightRunId: string | null;
  /** When the run in flight was claimed (its run document is created just after). */
  inFlightSince?: string | null;
  /** Changes arrived while a run was in flight: exactly one follow-up run starts when it ends. */
  dirty: boolean;
  lastTrigger: { on: EventKind; source: ChangeSource; at: string; runId: string | null } | null;
  /** Per source, until when filtered triggers have looked at the changed items. */
  checkedUntil: Partial<Record<ChangeSource, string>>;
  updatedAt: string;
}

export type CoalesceOutcome = { started: string } | { coalesced: string };

/** Starts orchestrations (the Durable client of the function that handles the change). */
export interface OrchestrationLauncher {
  start(instanceId: string, input: { tenantId: string; runId: string }): Promise<void>;
}

export interface CoalescerDeps {
  store: CosmosStore;
  now: () => Date;
  /** Whether the run has reached a final status, is still going, or does not exist. */
  runState(tenantId: string, runId: string): Promise<'finished' | 'running' | 'missing'>;
  /** Starts the event-triggered run under this id; idempotent by id (a second call starts nothing). */
  startRun(
    tenantId: string,
    target: { type: TriggerTargetType; id: string },
    run: { runId: string; on: EventKind },
    launcher: OrchestrationLauncher,
  ): Promise<void>;
}

/** Event-triggered run ids are deterministic per target and sequence number: a lost race can never start two. */
const eventRunId = (type: TriggerTargetType, targetId: string, seq: number) =>
  `evt_${type === 'agent' ? 'a' : 'w'}_${targetId}_${seq}`;

const triggerStateId = (type: TriggerTargetType, targetId: string) => `trigger-state_${type}_${targetId}`;

/**
 * Bursts coalesce on one document per target, changed only by conditional writes (If-Match on `_etag`): of two
 * concurrent requests, one wins the write that claims the next run id, the other re-reads and finds it in flight,
 * and only marks the state dirty. When the run ends, a dirty state starts exactly one follow-up run.
 *
 * A document with conditional writes rather than a Durable entity: the state must be readable by the API (the
 * agent page shows the last trigger), erased with the tenant's data, and the local runtime and Cosmos already give
 * us atomic compare-and-set; an entity would add a second store of truth and a message round-trip per change.
 */
export interface Coalescer {
  /** A change for this target: start its next run, or mark the run in flight dirty. */
  request(
    tenantId: string,
    target: { type: TriggerTargetType; id: string },
    cause: { on: EventKind; source: ChangeSource },
    launcher: OrchestrationLauncher,
  ): Promise<CoalesceOutcome>;
  /** The event-triggered run `runId` ended: starts the one follow-up when changes arrived during it. */
  settle(
    tenantId: string,
    target: { type: TriggerTargetType; id: string },
    runId: string,
    launcher: OrchestrationLauncher,
  ): Promise<string | undefined>;
  get(tenantId: string, target: { type: TriggerTargetType; id: string }): Promise<TriggerStateDoc | undefined>;
  /** Records until when filtered triggers of this target looked at a source's changes. */
  checked(
    tenantId: string,
    target: { type: TriggerTargetType; id: string },
    source: ChangeSource,
    until: Date,
  ): Promise<void>;
}

export function createCoalescer(deps: CoalescerDeps): Coalescer {
  const repo = createTenantRepository<TriggerStateDoc>(deps.store, 'eventState', 'trigger state');

  const fresh = (tenantId: string, target: { type: TriggerTargetType; id: string }): TriggerStateDoc => ({
    id: triggerStateId(target.type, target.id),
    tenantId,
    type: 'trigger-state',
    targetType: target.type,
    targetId: target.id,
    seq: 0,
    inFlightRunId: null,
    dirty: false,
    lastTrigger: null,
    checkedUntil: {},
    updatedAt: deps.now().toISOString(),
  });

  /** Writers racing on one target: enough attempts for a burst of notifications arriving at once. */
  const ATTEMPTS = 100;
  /** A claimed run whose document never appeared (the start crashed) stops blocking after this long. */
  const CLAIM_GRACE_MS = 120_000;

  async function stillInFlight(tenantId: string, state: TriggerStateDoc): Promise<boolean> {
    if (!state.inFlightRunId) return false;
    const run = await deps.runState(tenantId, state.inFlightRunId);
    if (run !== 'missing') return run === 'running';
    const since = Date.parse(state.inFlightSince ?? '') || 0;
    return deps.now().getTime() - since < CLAIM_GRACE_MS;
  }

  const ensure = async (tenantId: string, target: { type: TriggerTargetType; id: string }) =>
    (await repo.get(tenantId, triggerStateId(target.type, target.id))) ??
    (await repo.createIfAbsent(fresh(tenantId, target))).doc;

  /** Frees the claimed run id when its run could not be started, so the next change can try again. */
  const release = (tenantId: string, target: { type: TriggerTargetType; id: string }, runId: string) =>
    repo.update(
      tenantId,
      triggerStateId(target.type, target.id),
      (s) =>
        s.inFlightRunId === runId ? { ...s, inFlightRunId: null, updatedAt: deps.now().toISOString() } : undefined,
      ATTEMPTS,
    );

  async function start(
    tenantId: string,
    target: { type: TriggerTargetType; id: string },
    runId: string,
    on: EventKind,
    launcher: OrchestrationLauncher,
  ): Promise<void> {
    try {
      await deps.startRun(tenantId, target, { runId, on }, launcher);
    } catch (err) {
      await release(tenantId, target, runId);
      throw err;
    }
  }

  return {
    async request(tenantId, target, cause, launcher) {
      await ensure(tenantId, target);
      let outcome: CoalesceOutcome | undefined;
      await repo.update(
        tenantId,
        triggerStateId(target.type, target.id),
        async (state) => {
          const at = deps.now().toISOString();
          const inFlight = state.inFlightRunId;
          if (inFlight && (await stillInFlight(tenantId, state))) {
            outcome = { coalesced: inFlight };
            // Already owed a follow-up: nothing to write (a burst costs one read per change, not a write race).
            if (state.dirty) return undefined;
            return { ...state, dirty: true, lastTrigger: { ...cause, at, runId: inFlight }, updatedAt: at };
          }
          const runId = eventRunId(target.type, target.id, state.seq + 1);
          outcome = { started: runId };
          return {
            ...state,
            seq: state.seq + 1,
            inFlightRunId: runId,
            inFlightSince: at,
            dirty: false,
            lastTrigger: { ...cause, at, runId },
            updatedAt: at,
          };
        },
        ATTEMPTS,
      );
      if (outcome && 'started' in outcome) await start(tenantId, target, outcome.started, cause.on, launcher);
      return outcome!;
    },

    async settle(tenantId, target, runId, launcher) {
      const current = await repo.get(tenantId, triggerStateId(target.type, target.id));
      if (!current || current.inFlightRunId !== runId) return undefined;
      let followUp: string | undefined;
      const saved = await repo.update(
        tenantId,
        current.id,
        (state) => {
          followUp = undefined;
          if (state.inFlightRunId !== runId) return undefined;
          const at = deps.now().toISOString();
          if (!state.dirty) return { ...state, inFlightRunId: null, updatedAt: at };
          followUp = eventRunId(target.type, target.id, state.seq + 1);
          const on = state.lastTrigger?.on ?? 'mail.received';
          const source = state.lastTrigger?.source ?? 'mail';
          return {
            ...state,
            seq: state.seq + 1,
            inFlightRunId: followUp,
            inFlightSince: at,
            dirty: false,
            lastTrigger: { on, source, at, runId: followUp },
            updatedAt: at,
          };
        },
        ATTEMPTS,
      );
      if (followUp) await start(tenantId, target, followUp, saved.lastTrigger!.on, launcher);
      return followUp;
    },

    get: (tenantId, target) => repo.get(tenantId, triggerStateId(target.type, target.id)),

    async checked(tenantId, target, source, until) {
      await ensure(tenantId, target);
      await repo.update(
        tenantId,
        triggerStateId(target.type, target.id),
        (state) => ({
          ...state,
          checkedUntil: { ...state.checkedUntil, [source]: until.toISOString() },
        }),
        ATTEMPTS,
      );
    },
  };
}
