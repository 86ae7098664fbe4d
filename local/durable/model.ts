/** The engine's state for one orchestration instance, as kept in memory and on disk. */

export type RuntimeStatus =
  'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Canceled' | 'Terminated' | 'Suspended';

const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(['Completed', 'Failed', 'Canceled', 'Terminated']);

/** A history event in the shape the durable-functions library reads. */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  [field: string]: unknown;
}

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
  ContinueAsNew: 16,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

/** The retry policy of CallActivityWithRetry / CallSubOrchestratorWithRetry actions. */
export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  /** How long after the first attempt a retry may still start (DTFx RetryOptions.RetryTimeout). */
  retryTimeoutInMilliseconds?: number;
}

/**
 * One id-taking action of the orchestrator, in the order the library tracked it. A slot can own several ids over
 * time: retries (task, timer, task, ...) and long timers (a chain of sub-timers).
 */
export interface Slot {
  kind: 'activity' | 'suborchestration' | 'timer';
  /** Every id the library gave this slot, oldest first. */
  ids: number[];
  name?: string;
  input?: unknown;
  /** Sub-orchestration instance id chosen by the orchestrator, if any. */
  childId?: string;
  retry?: RetryPolicy;
  /** Attempt number of the current (or last) try, starting at 1. */
  attempt?: number;
  /** A retry timer is pending between attempts. */
  waitingOnRetryTimer?: boolean;
  /** When the first attempt was scheduled (ISO): the start of the retry timeout window. */
  firstAttemptAt?: string;
  /** The retry timeout passed after a failed attempt: no more attempts, and no timer the library waits for. */
  retriesExpired?: boolean;
  /** Final fire time of a timer (ISO); a timer further out than 6 days is a chain of sub-timers. */
  fireAt?: string;
  /** The library made this a long timer (a chain of sub-timers). */
  long?: boolean;
  canceled?: boolean;
}

/** An activity that was scheduled and whose completion is not recorded yet. */
export interface PendingActivity {
  taskId: number;
  name: string;
  input: unknown;
}

export interface PendingTimer {
  timerId: number;
  fireAt: string;
}

export interface Instance {
  instanceId: string;
  name: string;
  version: string;
  /** JSON text of the current execution's input, or null. */
  input: string | null;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the output (Completed), the failure message (Failed) or the reason (Terminated); or null. */
  output: string | null;
  /** JSON text of the custom status, or null. */
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  /** Grows on every ContinueAsNew and re-creation; work of an earlier execution is ignored when it completes. */
  executionId: number;
  parent?: { instanceId: string; taskId: number; executionId: number };
  history: HistoryEvent[];
  /** New events waiting to be delivered, one per episode. */
  inbox: HistoryEvent[];
  /** Mirror of the library's task sequence number. */
  nextId: number;
  slots: Slot[];
  activities: PendingActivity[];
  timers: PendingTimer[];
}

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** The .NET exception the extension reports beside its message (`ExceptionMessage`, `ExceptionType`). */
export interface DotNetException {
  message: string;
  type: string;
}

/**
 * A client request the engine refuses; `status` is the HTTP status the Durable HTTP API answers with. With
 * `exception`, the answer carries the extension's generic `Message` and the exception's details, as
 * HttpRequestMessageExtensions.CreateErrorResponse(request, status, message, e) writes them.
 */
export class DurableRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exception?: DotNetException,
  ) {
    super(message);
  }
}

/**
 * The ArgumentException HttpApiHandler.HandleRequestAsync turns into 400 "One or more of the arguments submitted is
 * incorrect" (durable-extension src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs).
 */
export function argumentError(exceptionMessage: string): DurableRequestError {
  return new DurableRequestError(400, 'One or more of the arguments submitted is incorrect', {
    message: exceptionMessage,
    type: 'System.ArgumentException',
  });
}

const MAX_INSTANCE_ID_LENGTH = 256;

/** U+0000–U+001F and U+007F–U+009F: what .NET's char.IsControl matches. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/**
 * Checks a caller-chosen instance id as DurableClient.StartNewAsync does (durable-extension
 * src/WebJobs.Extensions.DurableTask/ContextImplementations/DurableClient.cs): no leading '@'; none of / \ ? # or a
 * control character (spaces are fine); at most 256 characters. The first two exceptions are built with their
 * arguments swapped (`new ArgumentException(nameof(instanceId), "...")`), so .NET reports the text as the parameter
 * name; the messages below are what that exception's Message really reads.
 */
export function checkInstanceId(instanceId: string): void {
  if (instanceId.startsWith('@')) {
    throw argumentError("instanceId (Parameter 'Orchestration instance ids must not start with @.')");
  }
  if ([...instanceId].some((ch) => ch === '/' || ch === '\\' || ch === '?' || ch === '#' || isControl(ch))) {
    throw argumentError(
      "instanceId (Parameter 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.')",
    );
  }
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) {
    throw argumentError(`Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`);
  }
}
