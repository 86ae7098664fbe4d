/**
 * The engine: a store of instances, a scheduler that runs one episode per new event (orchestrators) and the queued
 * activities within the host.json concurrency limits, wall-clock timers, and the client operations the HTTP API
 * exposes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideEpisode, historyEvent, type EpisodeEffects, type OrchestratorState } from './episode.js';
import { clientBindingData, handleDurableHttp } from './http-api.js';
import type { DurableEngine, DurableEngineOptions, InstanceQuery, ManagedInstances, RpcTypedData } from './contract.js';
import {
  argumentError,
  checkInstanceId,
  DurableRequestError,
  EventType,
  isTerminal,
  type HistoryEvent,
  type Instance,
  type PendingActivity,
  type PendingTimer,
  type RuntimeStatus,
} from './model.js';
import { DurableStore } from './store.js';

interface ActivityWork {
  instanceId: string;
  executionId: number;
  activity: PendingActivity;
}

const MAX_TIMEOUT_MS = 2_000_000_000;
const OUT_OF_PROC_LABEL = '$OutOfProcData$:';
const STOP_GRACE_MS = 10_000;

function decodeRpc(data: RpcTypedData | undefined): unknown {
  if (!data) return undefined;
  if (data.json != null) return JSON.parse(data.json) as unknown;
  if (data.string != null) return data.string;
  if (data.int != null) return Number(data.int);
  if (data.double != null) return Number(data.double);
  if (data.bytes != null) return Buffer.from(data.bytes).toString('base64');
  return undefined;
}

function errorText(err: unknown): { message: string; details: string } {
  if (err instanceof Error) return { message: err.message, details: err.stack ?? err.message };
  return { message: String(err), details: String(err) };
}

class Engine implements DurableEngine, ManagedInstances {
  private readonly store: DurableStore;
  private readonly orchestrators: Set<string>;
  private readonly activityNames: Set<string>;
  private readonly ready = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly activityQueue: ActivityWork[] = [];
  private readonly armed = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private runningActivities = 0;
  private started = false;
  private stopping = false;
  /** Set once the stop grace period is over: late results are then left to be re-run after a restart. */
  private discarding = false;

  private readonly maxOrchestrators: number;
  private readonly maxActivities: number;

  constructor(readonly options: DurableEngineOptions) {
    const limit = (n: number) => (Number.isInteger(n) && n > 0 ? n : 10);
    this.maxOrchestrators = limit(options.maxConcurrentOrchestratorFunctions);
    this.maxActivities = limit(options.maxConcurrentActivityFunctions);
    this.store = new DurableStore(options.dataDir);
    this.orchestrators = new Set(options.orchestrators);
    this.activityNames = new Set(options.activities);
  }

  get hubName(): string {
    return this.options.hubName;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.store.load((message) => this.options.log('warn', message));
    this.started = true;
    this.stopping = false;
    this.discarding = false;
    let resumed = 0;
    for (const instance of this.store.instances.values()) {
      if (isTerminal(instance.runtimeStatus)) continue;
      resumed++;
      for (const activity of instance.activities)
        this.activityQueue.push({ instanceId: instance.instanceId, executionId: instance.executionId, activity });
      for (const timer of instance.timers) this.arm(instance, timer);
      this.markReady(instance);
    }
    if (resumed > 0) this.options.log('info', `Durable engine resumed ${resumed} unfinished orchestration(s).`);
    this.pump();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    for (const handle of this.armed.values()) clearTimeout(handle);
    this.armed.clear();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    this.discarding = true;
    this.store.close();
    this.started = false;
    this.ready.clear();
    this.activityQueue.length = 0;
  }

  clientBindingData(origin: string): Record<string, unknown> {
    return clientBindingData(origin, this.options.hubName);
  }

  handleHttp(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    return handleDurableHttp(this, req, res, path);
  }

  // ---- client operations -------------------------------------------------------------------------------------

  getInstance(instanceId: string): Instance | undefined {
    return this.store.instances.get(instanceId);
  }

  queryInstances(query: InstanceQuery): Instance[] {
    const statuses = query.runtimeStatus && query.runtimeStatus.length > 0 ? new Set(query.runtimeStatus) : undefined;
    const out: Instance[] = [];
    for (const instance of this.store.instances.values()) {
      const created = Date.parse(instance.createdTime);
      if (query.createdTimeFrom !== undefined && created < query.createdTimeFrom) continue;
      if (query.createdTimeTo !== undefined && created > query.createdTimeTo) continue;
      if (statuses && !statuses.has(instance.runtimeStatus)) continue;
      if (query.instanceIdPrefix && !instance.instanceId.startsWith(query.instanceIdPrefix)) continue;
      out.push(instance);
    }
    return out.sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId));
  }

  startNew(name: string, instanceId: string | undefined, inputJson: string | null): Instance {
    this.assertRunning();
    // DurableClient.StartNewAsync: the function must exist (DurableTaskExtension.ThrowIfFunctionDoesNotExist), then
    // the id is generated (Guid "N") or checked.
    if (!this.orchestrators.has(name)) {
      const known = [...this.orchestrators];
      throw argumentError(
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ` +
          (known.length > 0
            ? `The following are the known orchestrator functions: '${known.join("', '")}'.`
            : 'No orchestrator functions are currently registered!'),
      );
    }
    const id = instanceId || randomUUID().replace(/-/g, '');
    checkInstanceId(id);
    const instance = this.newInstance(id, name, inputJson);
    this.store.commit([instance]);
    this.markReady(instance);
    return instance;
  }

  raiseEvent(instanceId: string, eventName: string, dataJson: string | null): void {
    const instance = this.activeInstance(instanceId);
    const event = historyEvent(EventType.EventRaised, new Date().toISOString(), { Name: eventName, Input: dataJson });
    instance.inbox.push(event);
    this.touch(instance);
    this.store.commit([instance]);
    this.markReady(instance);
  }

  terminate(instanceId: string, reason: string): void {
    const instance = this.activeInstance(instanceId);
    const now = new Date().toISOString();
    const added = [historyEvent(EventType.ExecutionTerminated, now, { Input: reason })];
    const changes = this.finish(instance, 'Terminated', JSON.stringify(reason), added, now, {
      failed: `Orchestration '${instanceId}' was terminated: ${reason}`,
    });
    this.store.commit(changes);
    this.afterCommit(changes);
  }

  suspend(instanceId: string, reason: string): void {
    const instance = this.activeInstance(instanceId);
    if (instance.runtimeStatus === 'Suspended') return;
    const now = new Date().toISOString();
    const added = [historyEvent(EventType.ExecutionSuspended, now, { Reason: reason })];
    instance.history.push(...added);
    instance.runtimeStatus = 'Suspended';
    instance.lastUpdatedTime = now;
    this.ready.delete(instanceId);
    this.store.commit([instance]);
  }

  resume(instanceId: string, reason: string): void {
    const instance = this.activeInstance(instanceId);
    if (instance.runtimeStatus !== 'Suspended') return;
    const now = new Date().toISOString();
    const added = [historyEvent(EventType.ExecutionResumed, now, { Reason: reason })];
    instance.history.push(...added);
    instance.runtimeStatus = instance.history.some((e) => e.EventType === EventType.OrchestratorStarted)
      ? 'Running'
      : 'Pending';
    instance.lastUpdatedTime = now;
    this.store.commit([instance]);
    this.markReady(instance);
  }

  /** Deletes the instances' state; work still pending for them is dropped. Returns how many were deleted. */
  purge(instanceIds: string[]): number {
    this.assertRunning();
    const ids = instanceIds.filter((id) => this.store.instances.has(id));
    if (ids.length === 0) return 0;
    for (const id of ids) {
      const instance = this.store.instances.get(id);
      if (instance) this.disarmAll(instance);
      this.ready.delete(id);
    }
    this.store.commit([], ids);
    return ids.length;
  }

  private activeInstance(instanceId: string): Instance {
    this.assertRunning();
    const instance = this.store.instances.get(instanceId);
    if (!instance) throw new DurableRequestError(404, `No instance with ID '${instanceId}' was found.`);
    if (isTerminal(instance.runtimeStatus)) {
      throw new DurableRequestError(410, `The instance '${instanceId}' is already ${instance.runtimeStatus}.`);
    }
    return instance;
  }

  private assertRunning(): void {
    if (!this.started || this.stopping) throw new DurableRequestError(503, 'The Durable engine is not running.');
  }

  // ---- instances ---------------------------------------------------------------------------------------------

  private newInstance(
    instanceId: string,
    name: string,
    inputJson: string | null,
    parent?: Instance['parent'],
  ): Instance {
    const existing = this.store.instances.get(instanceId);
    if (existing && !isTerminal(existing.runtimeStatus)) {
      // The default OverridableExistingInstanceStates (NonRunningStates) refuses a new instance over a Running,
      // Pending, ContinuedAsNew or Suspended one: DTFx AzureStorageOrchestrationService throws
      // OrchestrationAlreadyExistsException, which HttpApiHandler answers with its generic 500.
      throw new DurableRequestError(500, 'Something went wrong while processing your request', {
        message: `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
        type: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
      });
    }
    if (existing) this.disarmAll(existing);
    const now = new Date().toISOString();
    const executionId = (existing?.executionId ?? -1) + 1;
    return {
      instanceId,
      name,
      version: '',
      input: inputJson,
      runtimeStatus: 'Pending',
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      executionId,
      ...(parent ? { parent } : {}),
      history: [],
      inbox: [this.executionStarted(instanceId, name, inputJson, executionId, now, parent)],
      nextId: 0,
      slots: [],
      activities: [],
      timers: [],
    };
  }

  private executionStarted(
    instanceId: string,
    name: string,
    inputJson: string | null,
    executionId: number,
    now: string,
    parent?: Instance['parent'],
  ): HistoryEvent {
    return historyEvent(EventType.ExecutionStarted, now, {
      Name: name,
      Version: '',
      Input: inputJson,
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: String(executionId) },
      ...(parent
        ? {
            ParentInstance: { OrchestrationInstance: { InstanceId: parent.instanceId }, TaskScheduleId: parent.taskId },
          }
        : {}),
    });
  }

  private touch(instance: Instance): void {
    instance.lastUpdatedTime = new Date().toISOString();
  }

  /** Ends an instance (Completed / Failed / Terminated): stops its work and tells its parent. Returns the changes to commit. */
  private finish(
    instance: Instance,
    status: RuntimeStatus,
    output: string,
    added: HistoryEvent[],
    now: string,
    parentOutcome: { completed?: string; failed?: string },
  ): Instance[] {
    this.disarmAll(instance);
    instance.history.push(...added);
    instance.runtimeStatus = status;
    instance.output = output;
    instance.lastUpdatedTime = now;
    instance.inbox = [];
    instance.activities = [];
    instance.timers = [];
    this.ready.delete(instance.instanceId);
    const changes: Instance[] = [instance];
    const link = instance.parent;
    const parent = link && this.store.instances.get(link.instanceId);
    if (link && parent && parent.executionId === link.executionId && !isTerminal(parent.runtimeStatus)) {
      const event =
        parentOutcome.completed !== undefined
          ? historyEvent(EventType.SubOrchestrationInstanceCompleted, now, {
              TaskScheduledId: link.taskId,
              Result: parentOutcome.completed,
            })
          : historyEvent(EventType.SubOrchestrationInstanceFailed, now, {
              TaskScheduledId: link.taskId,
              Reason: parentOutcome.failed ?? 'The sub-orchestration failed.',
              Details: '',
            });
      parent.inbox.push(event);
      parent.lastUpdatedTime = now;
      changes.push(parent);
    }
    return changes;
  }

  private afterCommit(changes: Instance[]): void {
    for (const instance of changes) this.markReady(instance);
  }

  // ---- scheduling --------------------------------------------------------------------------------------------

  private markReady(instance: Instance): void {
    if (!this.started || this.stopping) return;
    if (instance.inbox.length === 0 || instance.runtimeStatus === 'Suspended' || isTerminal(instance.runtimeStatus))
      return;
    if (this.store.instances.get(instance.instanceId) !== instance) return;
    this.ready.add(instance.instanceId);
    this.pump();
  }

  private pump(): void {
    if (!this.started || this.stopping) return;
    for (const id of this.ready) {
      if (this.busy.size >= this.maxOrchestrators) break;
      if (this.busy.has(id)) continue;
      this.ready.delete(id);
      const instance = this.store.instances.get(id);
      if (
        !instance ||
        instance.inbox.length === 0 ||
        instance.runtimeStatus === 'Suspended' ||
        isTerminal(instance.runtimeStatus)
      )
        continue;
      this.track(this.runEpisode(instance));
    }
    while (this.runningActivities < this.maxActivities && this.activityQueue.length > 0) {
      const work = this.activityQueue.shift();
      if (work) this.track(this.runActivity(work));
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work
      .catch((err: unknown) => this.options.log('error', `Durable engine error: ${errorText(err).details}`))
      .finally(() => {
        this.inFlight.delete(work);
        this.pump();
      });
  }

  /** An OrchestratorStarted timestamp: wall-clock time, never earlier than the previous one. */
  private episodeTimestamp(instance: Instance): string {
    let now = Date.now();
    for (let i = instance.history.length - 1; i >= 0; i--) {
      const event = instance.history[i];
      if (event?.EventType === EventType.OrchestratorStarted) {
        now = Math.max(now, Date.parse(event.Timestamp) + 1);
        break;
      }
    }
    return new Date(now).toISOString();
  }

  private async runEpisode(instance: Instance): Promise<void> {
    const id = instance.instanceId;
    this.busy.add(id);
    try {
      const consumed = instance.inbox[0];
      if (!consumed) return;
      const executionId = instance.executionId;
      const timestamp = this.episodeTimestamp(instance);
      const { state, failure } = await this.replay(instance, consumed, timestamp);
      if (this.discarding || this.store.instances.get(id) !== instance || instance.executionId !== executionId) return;
      if (isTerminal(instance.runtimeStatus) || instance.inbox[0] !== consumed) return;
      const effects = decideEpisode(instance, consumed, timestamp, state, failure);
      instance.inbox.shift();
      this.commitEpisode(instance, effects, timestamp);
    } finally {
      this.busy.delete(id);
      this.markReady(instance);
    }
  }

  /** Runs the orchestrator over its history plus the new event, through the durable-functions library. */
  private async replay(
    instance: Instance,
    consumed: HistoryEvent,
    timestamp: string,
  ): Promise<{ state?: OrchestratorState; failure?: string }> {
    const history: HistoryEvent[] = instance.history.map((event) => ({ ...event, IsPlayed: true }));
    history.push(historyEvent(EventType.OrchestratorStarted, timestamp), { ...consumed, IsPlayed: false });
    const trigger = {
      history,
      input: instance.input === null ? null : (JSON.parse(instance.input) as unknown),
      instanceId: instance.instanceId,
      isReplaying: false,
      parentInstanceId: instance.parent?.instanceId ?? null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    const prefix = `Orchestrator function '${instance.name}' failed: `;
    if (!this.orchestrators.has(instance.name)) return { failure: `${prefix}it is not registered in this app.` };
    try {
      const result = decodeRpc(await this.options.invoke(instance.name, { string: JSON.stringify(trigger) }));
      if (!result || typeof result !== 'object') return { failure: `${prefix}the orchestrator returned no state.` };
      return { state: result as OrchestratorState };
    } catch (err) {
      const { message } = errorText(err);
      const at = message.indexOf(OUT_OF_PROC_LABEL);
      if (at >= 0) {
        try {
          const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as OrchestratorState;
          return { state, failure: `${prefix}${state.error ?? message.slice(0, at).trim()}` };
        } catch {
          // fall through to the raw message
        }
      }
      return { failure: `${prefix}${message}` };
    }
  }

  private commitEpisode(instance: Instance, effects: EpisodeEffects, timestamp: string): void {
    const outcome = effects.outcome;
    instance.customStatus = effects.customStatus;
    for (const name of effects.retriesExpired) {
      this.options.log(
        'warn',
        `Orchestration '${instance.instanceId}': the retry timeout of '${name}' has passed, so it is not retried. ` +
          'The orchestrator is not told and stays Running, as it would in Azure.',
      );
    }
    if (effects.deferredByOpenTasks > 0) {
      this.options.log(
        'info',
        `Orchestration '${instance.instanceId}' returned but stays Running until its ${effects.deferredByOpenTasks} ` +
          'open task(s) finish (an uncancelled timer or unfinished work), as in Azure.',
      );
    }
    if (outcome.kind === 'failed')
      this.options.log('warn', `Orchestration '${instance.instanceId}' failed: ${outcome.message.split('\n')[0]}`);
    if (outcome.kind === 'completed' || outcome.kind === 'failed') {
      const output = outcome.kind === 'completed' ? outcome.output : JSON.stringify(outcome.message);
      const changes = this.finish(
        instance,
        outcome.kind === 'completed' ? 'Completed' : 'Failed',
        output,
        effects.added,
        timestamp,
        outcome.kind === 'completed' ? { completed: outcome.output } : { failed: outcome.message },
      );
      this.store.commit(changes);
      this.afterCommit(changes);
      return;
    }
    if (outcome.kind === 'continuedAsNew') {
      this.disarmAll(instance);
      instance.executionId += 1;
      instance.input = outcome.input;
      instance.history = [];
      instance.nextId = 0;
      instance.slots = [];
      instance.activities = [];
      instance.timers = [];
      instance.runtimeStatus = instance.runtimeStatus === 'Suspended' ? 'Suspended' : 'ContinuedAsNew';
      instance.lastUpdatedTime = timestamp;
      // Events raised but not delivered yet carry over to the new execution; completions of old work do not.
      const carried = instance.inbox.filter((event) => event.EventType === EventType.EventRaised);
      instance.inbox = [
        this.executionStarted(
          instance.instanceId,
          instance.name,
          outcome.input,
          instance.executionId,
          timestamp,
          instance.parent,
        ),
        ...carried,
      ];
      this.store.commit([instance]);
      return;
    }
    instance.history.push(...effects.added);
    if (instance.runtimeStatus !== 'Suspended') instance.runtimeStatus = 'Running';
    instance.lastUpdatedTime = timestamp;
    instance.activities.push(...effects.activities);
    // A cancelled timer still fires: cancelling only drops it from DTFx's open tasks (TaskOrchestrationContext
    // .CreateTimer), while its message stays queued and arrives as TimerFired if the instance is still running.
    instance.timers.push(...effects.timers);
    const changes: Instance[] = [instance];
    for (const child of effects.children) {
      try {
        const link = { instanceId: instance.instanceId, taskId: child.taskId, executionId: instance.executionId };
        changes.push(this.newInstance(child.instanceId, child.name, child.input, link));
      } catch (err) {
        instance.inbox.push(
          historyEvent(EventType.SubOrchestrationInstanceFailed, timestamp, {
            TaskScheduledId: child.taskId,
            Reason:
              err instanceof DurableRequestError && err.exception ? err.exception.message : errorText(err).message,
            Details: '',
          }),
        );
      }
    }
    this.store.commit(changes);
    for (const activity of effects.activities) {
      this.activityQueue.push({ instanceId: instance.instanceId, executionId: instance.executionId, activity });
    }
    for (const timer of effects.timers) this.arm(instance, timer);
    this.afterCommit(changes);
  }

  // ---- activities --------------------------------------------------------------------------------------------

  private async runActivity(work: ActivityWork): Promise<void> {
    this.runningActivities++;
    let event: HistoryEvent;
    const { activity } = work;
    try {
      if (!this.activityNames.has(activity.name)) {
        throw new Error(`The function '${activity.name}' doesn't exist or is not an activity function.`);
      }
      const result = decodeRpc(
        await this.options.invoke(activity.name, { json: JSON.stringify(activity.input ?? null) }),
      );
      event = historyEvent(EventType.TaskCompleted, new Date().toISOString(), {
        TaskScheduledId: activity.taskId,
        Result: result === undefined ? null : JSON.stringify(result),
      });
    } catch (err) {
      const { message, details } = errorText(err);
      event = historyEvent(EventType.TaskFailed, new Date().toISOString(), {
        TaskScheduledId: activity.taskId,
        Reason: `Activity function '${activity.name}' failed: ${message}`,
        Details: details,
      });
    } finally {
      this.runningActivities--;
    }
    if (this.discarding) return;
    const instance = this.store.instances.get(work.instanceId);
    if (!instance || instance.executionId !== work.executionId || isTerminal(instance.runtimeStatus)) return;
    const index = instance.activities.findIndex((a) => a.taskId === activity.taskId);
    if (index < 0) return;
    instance.activities.splice(index, 1);
    instance.inbox.push(event);
    this.touch(instance);
    this.store.commit([instance]);
    this.markReady(instance);
  }

  // ---- timers ------------------------------------------------------------------------------------------------

  private timerKey(instance: Instance, timerId: number): string {
    return `${instance.instanceId}\u0000${instance.executionId}\u0000${timerId}`;
  }

  private arm(instance: Instance, timer: PendingTimer): void {
    if (this.stopping) return;
    const key = this.timerKey(instance, timer.timerId);
    const existing = this.armed.get(key);
    if (existing) clearTimeout(existing);
    const wait = Math.max(0, Math.min(Date.parse(timer.fireAt) - Date.now(), MAX_TIMEOUT_MS));
    const handle = setTimeout(() => {
      this.armed.delete(key);
      if (Date.parse(timer.fireAt) > Date.now()) this.arm(instance, timer);
      else this.fire(instance, timer);
    }, wait);
    handle.unref();
    this.armed.set(key, handle);
  }

  private disarm(instance: Instance, timerId: number): void {
    const key = this.timerKey(instance, timerId);
    const handle = this.armed.get(key);
    if (handle) clearTimeout(handle);
    this.armed.delete(key);
  }

  private disarmAll(instance: Instance): void {
    for (const timer of instance.timers) this.disarm(instance, timer.timerId);
  }

  private fire(instance: Instance, timer: PendingTimer): void {
    if (
      this.stopping ||
      this.store.instances.get(instance.instanceId) !== instance ||
      isTerminal(instance.runtimeStatus)
    )
      return;
    const index = instance.timers.findIndex((t) => t.timerId === timer.timerId);
    if (index < 0) return;
    instance.timers.splice(index, 1);
    instance.inbox.push(
      historyEvent(EventType.TimerFired, new Date().toISOString(), { TimerId: timer.timerId, FireAt: timer.fireAt }),
    );
    this.touch(instance);
    this.store.commit([instance]);
    this.markReady(instance);
  }
}

export function createDurableEngine(options: DurableEngineOptions): DurableEngine {
  return new Engine(options);
}
