/**
 * Turns the outcome of one orchestrator episode (the OrchestratorState the durable-functions library returned) into
 * history events and work, mirroring the library's id bookkeeping: the consumed event first
 * (retry timers, retry reschedules, long-timer chains take the next ids), then every new id-taking action in the
 * order the library tracked it.
 */
import {
  EventType,
  type HistoryEvent,
  type Instance,
  type PendingActivity,
  type PendingTimer,
  type RetryPolicy,
  type Slot,
} from './model.js';

/** What the library returns from an orchestrator invocation. */
export interface OrchestratorState {
  isDone: boolean;
  actions: unknown[];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  retryOptions?: RetryPolicy;
  fireAt?: string;
  isCanceled?: boolean;
  compoundActions?: Action[];
}

export interface ChildRequest {
  instanceId: string;
  name: string;
  input: string;
  taskId: number;
}

export interface EpisodeEffects {
  /** History events of this episode, OrchestratorStarted and the consumed event first. */
  added: HistoryEvent[];
  activities: PendingActivity[];
  timers: PendingTimer[];
  children: ChildRequest[];
  outcome:
    | { kind: 'running' }
    | { kind: 'completed'; output: string }
    | { kind: 'failed'; message: string }
    | { kind: 'continuedAsNew'; input: string };
  customStatus: string | null;
  /** Names of retried work whose retry timeout passed in this episode. */
  retriesExpired: string[];
  /** The orchestrator finished but DTFx still has open tasks, so the instance stays Running (how many). */
  deferredByOpenTasks: number;
}

const SIX_DAYS_MS = 6 * 24 * 3600 * 1000;
const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;

const Action = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
} as const;

const UNSUPPORTED: Record<number, string> = {
  7: 'Durable entities (callEntity)',
  8: 'Durable HTTP (callHttp)',
  9: 'Durable entities (signalEntity)',
  13: 'Entity locks',
  14: 'Entity locks',
};

export function historyEvent(
  type: number,
  timestamp: string,
  fields: Record<string, unknown> = {},
  eventId = -1,
): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp, ...fields };
}

/** Inputs of CallActivity, CallActivityWithRetry and ContinueAsNew arrive JSON-encoded when they were strings. */
function decodeInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function jsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value) ?? 'null';
}

function flatten(actions: unknown[], into: Action[] = []): Action[] {
  for (const entry of actions) {
    if (Array.isArray(entry)) flatten(entry, into);
    else if (entry && typeof entry === 'object') {
      const action = entry as Action;
      if (Array.isArray(action.compoundActions)) flatten(action.compoundActions, into);
      else into.push(action);
    }
  }
  return into;
}

/**
 * The delay before the next attempt, as DTFx RetryInterceptor.ComputeNextDelay computes it
 * (durabletask src/DurableTask.Core/RetryInterceptor.cs): first · coefficient^(attempt−1), capped by the maximum
 * interval; undefined once the retry timeout, counted from the first attempt, has passed.
 */
function retryDelayMs(policy: RetryPolicy, failedAttempt: number, firstAttemptMs = 0, nowMs = 0): number | undefined {
  const timeout = policy.retryTimeoutInMilliseconds;
  if (timeout !== undefined && timeout !== null && nowMs >= firstAttemptMs + timeout) return undefined;
  const delay = policy.firstRetryIntervalInMilliseconds * (policy.backoffCoefficient ?? 1) ** (failedAttempt - 1);
  return Math.min(delay, policy.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}

/** The id a completion event answers (TaskScheduledId or TimerId), for events that close a task. */
function closedId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId as number;
    case EventType.TimerFired:
      return event.TimerId as number;
    default:
      return undefined;
  }
}

class EpisodeBuilder {
  readonly effects: EpisodeEffects;
  private readonly nowMs: number;
  /** The local runtime itself refused an action: the instance fails at once. */
  private refused = false;

  constructor(
    private readonly instance: Instance,
    private readonly timestamp: string,
    consumed: HistoryEvent,
  ) {
    this.nowMs = Date.parse(timestamp);
    this.effects = {
      added: [historyEvent(EventType.OrchestratorStarted, timestamp), { ...consumed, IsPlayed: false }],
      activities: [],
      timers: [],
      children: [],
      outcome: { kind: 'running' },
      customStatus: instance.customStatus,
      retriesExpired: [],
      deferredByOpenTasks: 0,
    };
  }

  private nextId(slot: Slot): number {
    const id = this.instance.nextId++;
    slot.ids.push(id);
    return id;
  }

  private createTimer(slot: Slot, fireAtMs: number): void {
    const id = this.nextId(slot);
    const fireAt = new Date(fireAtMs).toISOString();
    this.effects.added.push(historyEvent(EventType.TimerCreated, this.timestamp, { FireAt: fireAt }, id));
    this.effects.timers.push({ timerId: id, fireAt });
  }

  /** Schedules the slot's work (an activity or a sub-orchestration) under a new id. */
  private schedule(slot: Slot): void {
    const id = this.nextId(slot);
    const input = slot.input;
    // Only a retried slot needs its input again; dropping it keeps each journal line small during large fan-outs.
    if (!slot.retry) delete slot.input;
    if (slot.kind === 'activity') {
      const name = slot.name ?? '';
      this.effects.added.push(
        historyEvent(EventType.TaskScheduled, this.timestamp, { Name: name, Version: '', Input: jsonText(input) }, id),
      );
      this.effects.activities.push({ taskId: id, name, input });
      return;
    }
    const childId = slot.childId ?? `${this.instance.instanceId}:${id}`;
    const childInput = jsonText(input);
    this.effects.added.push(
      historyEvent(
        EventType.SubOrchestrationInstanceCreated,
        this.timestamp,
        { Name: slot.name, InstanceId: childId, Input: childInput },
        id,
      ),
    );
    this.effects.children.push({ instanceId: childId, name: slot.name ?? '', input: childInput, taskId: id });
  }

  /** Timer shorter than the library's maximum: one timer; longer: the first of a chain of 3-day sub-timers. */
  private chainTimer(slot: Slot): void {
    const finalMs = Date.parse(slot.fireAt ?? this.timestamp);
    const beyondMaximum = finalMs - this.nowMs > SIX_DAYS_MS;
    if (beyondMaximum) slot.long = true;
    this.createTimer(slot, beyondMaximum ? this.nowMs + THREE_DAYS_MS : finalMs);
  }

  /** The bookkeeping the library does while processing the consumed event. */
  consume(event: HistoryEvent): void {
    const failed =
      event.EventType === EventType.TaskFailed || event.EventType === EventType.SubOrchestrationInstanceFailed;
    const fired = event.EventType === EventType.TimerFired;
    if (!failed && !fired) return;
    const id = (failed ? event.TaskScheduledId : event.TimerId) as number;
    const slot = this.instance.slots.find((s) => s.ids[s.ids.length - 1] === id);
    if (!slot) return;
    if (failed && slot.retry && slot.attempt !== undefined) {
      // RetryInterceptor.Invoke: after the last attempt a timer that fires at once ("Dummy timer for back-compat");
      // before it, a timer for the computed delay, or none at all when the retry timeout has passed. In that last
      // case DTFx ends the retries, but the durable-functions library still waits for a timer, so the orchestrator
      // never resumes and stays Running, as durable-js issue #629 reports from Azure.
      const isLast = slot.attempt >= slot.retry.maxNumberOfAttempts;
      const firstAttemptMs = Date.parse(slot.firstAttemptAt ?? this.timestamp);
      const delay = isLast ? 0 : retryDelayMs(slot.retry, slot.attempt, firstAttemptMs, this.nowMs);
      if (delay === undefined) {
        slot.retriesExpired = true;
        this.effects.retriesExpired.push(slot.name ?? '');
        return;
      }
      slot.attempt += 1;
      slot.waitingOnRetryTimer = true;
      this.createTimer(slot, this.nowMs + delay);
    } else if (fired && slot.retry && slot.waitingOnRetryTimer && slot.attempt !== undefined) {
      slot.waitingOnRetryTimer = false;
      if (slot.attempt <= slot.retry.maxNumberOfAttempts) this.schedule(slot);
    } else if (fired && slot.long && slot.fireAt && Date.parse(slot.fireAt) > this.nowMs) {
      this.chainTimer(slot);
    }
  }

  /** Matches the cumulative actions against the known slots; new ones get the next ids. */
  actions(state: OrchestratorState): void {
    let slotIndex = 0;
    for (const action of flatten(state.actions ?? [])) {
      if (action.actionType === Action.WaitForExternalEvent) continue;
      if (action.actionType === Action.ContinueAsNew) {
        const input = decodeInput(action.input);
        this.effects.outcome = { kind: 'continuedAsNew', input: jsonText(input) };
        continue;
      }
      const unsupported = UNSUPPORTED[action.actionType];
      if (unsupported) {
        this.effects.outcome = { kind: 'failed', message: `${unsupported} is not supported by the local runtime.` };
        this.refused = true;
        return;
      }
      const existing = this.instance.slots[slotIndex];
      slotIndex++;
      if (existing) {
        if (existing.kind === 'timer' && action.isCanceled) existing.canceled = true;
        continue;
      }
      this.addSlot(action);
    }
  }

  private addSlot(action: Action): void {
    const slot: Slot = { kind: 'activity', ids: [] };
    this.instance.slots.push(slot);
    switch (action.actionType) {
      case Action.CallActivity:
      case Action.CallActivityWithRetry:
        slot.name = action.functionName;
        slot.input = decodeInput(action.input);
        break;
      case Action.CallSubOrchestrator:
      case Action.CallSubOrchestratorWithRetry:
        slot.kind = 'suborchestration';
        slot.name = action.functionName;
        slot.input = action.input;
        if (action.instanceId) slot.childId = action.instanceId;
        break;
      case Action.CreateTimer:
        slot.kind = 'timer';
        slot.fireAt = new Date(action.fireAt ?? this.timestamp).toISOString();
        this.chainTimer(slot);
        if (action.isCanceled) slot.canceled = true;
        return;
      default:
        throw new Error(`The orchestrator returned an action of unknown type ${action.actionType}.`);
    }
    if (
      action.retryOptions &&
      (action.actionType === Action.CallActivityWithRetry || action.actionType === Action.CallSubOrchestratorWithRetry)
    ) {
      slot.retry = action.retryOptions;
      slot.attempt = 1;
      slot.firstAttemptAt = this.timestamp;
    }
    this.schedule(slot);
  }

  /**
   * The tasks DTFx still counts as open (TaskOrchestrationContext.openTasks): activities, sub-orchestrations and
   * timers whose latest id has no completion event yet, except cancelled timers (cancelling removes a timer from
   * openTasks). A retry loop is open while it waits for its timer or its next attempt. External events are not
   * DTFx tasks, so a wait nobody answers does not count.
   */
  private openTasks(): number {
    const closed = new Set<number>();
    for (const event of this.instance.history) {
      const id = closedId(event);
      if (id !== undefined) closed.add(id);
    }
    for (const event of this.effects.added) {
      const id = closedId(event);
      if (id !== undefined) closed.add(id);
    }
    return this.instance.slots.filter((slot) => !slot.canceled && !closed.has(slot.ids[slot.ids.length - 1] ?? -1))
      .length;
  }

  finish(state: OrchestratorState | undefined, failure: string | undefined): EpisodeEffects {
    if (state && 'customStatus' in state)
      this.effects.customStatus = state.customStatus === undefined ? null : jsonText(state.customStatus);
    if (failure !== undefined) this.effects.outcome = { kind: 'failed', message: failure };
    else if (this.effects.outcome.kind === 'running' && state?.isDone)
      this.effects.outcome = { kind: 'completed', output: jsonText(state.output) };
    // TaskOrchestrationExecutor.ExecuteCore completes, fails or continues an orchestration as new only when
    // `!this.context.HasOpenTasks` (durabletask src/DurableTask.Core/TaskOrchestrationExecutor.cs): an
    // orchestrator that returns while a timer it did not cancel, or work it started, is still pending stays
    // Running until that task finishes. Without a state the shim replayed nothing, so nothing is open.
    if (this.effects.outcome.kind !== 'running' && state && !this.refused) {
      const open = this.openTasks();
      if (open > 0) {
        this.effects.deferredByOpenTasks = open;
        this.effects.outcome = { kind: 'running' };
      }
    }
    this.effects.added.push(historyEvent(EventType.OrchestratorCompleted, this.timestamp));
    const outcome = this.effects.outcome;
    if (outcome.kind === 'completed') {
      this.effects.added.push(
        historyEvent(EventType.ExecutionCompleted, this.timestamp, {
          OrchestrationStatus: 'Completed',
          Result: outcome.output,
        }),
      );
    } else if (outcome.kind === 'failed') {
      this.effects.added.push(
        historyEvent(EventType.ExecutionCompleted, this.timestamp, {
          OrchestrationStatus: 'Failed',
          Result: outcome.message,
        }),
      );
    } else if (outcome.kind === 'continuedAsNew') {
      this.effects.added.push(historyEvent(EventType.ContinueAsNew, this.timestamp, { Input: outcome.input }));
    }
    return this.effects;
  }
}

/**
 * Applies an episode's result to `instance` (its slots and id counter) and returns the events and work it produced.
 * `failure` is the orchestrator's failure message when the handler threw; `state` is then the library's state from
 * the error, when it carried one.
 */
export function decideEpisode(
  instance: Instance,
  consumed: HistoryEvent,
  timestamp: string,
  state: OrchestratorState | undefined,
  failure: string | undefined,
): EpisodeEffects {
  const builder = new EpisodeBuilder(instance, timestamp, consumed);
  // OutOfProcOrchestrationShim.ScheduleDurableTaskEvents replays the library's actions before it raises the
  // orchestrator's error, so a failing episode schedules its work too.
  if (state) {
    builder.consume(consumed);
    builder.actions(state);
  }
  return builder.finish(state, failure);
}
