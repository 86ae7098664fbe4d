import type { AgentService } from '../agents/agent-service';
import type { AiGateway } from '../ai/gateway';
import type { UsageService } from '../identity/usage';
import type { AuditLog } from '../platform/audit/audit-log';
import type { BlobStore } from '../platform/blob/blob-store';
import type { Clock } from '../platform/clock';
import { AppError, type LimitExceededError } from '../platform/errors';
import { domainEvent, type DomainEventType } from '../platform/events/domain-event';
import type { EventPublisher } from '../platform/events/publisher';
import type { SuggestionSink } from '../suggestions/kinds';
import type { GatherDeps } from './gather';
import type { Watermarks } from '../events/watermarks';
import type { FailureCause, RunDoc, RunStep, StopLimit } from './run-model';
import type { RunService } from './run-service';

/** What the run activities need, each named. */
export interface RunActivityDeps {
  blobs: () => BlobStore;
  clock: Clock;
  audit: () => AuditLog;
  events: () => EventPublisher;
  usage: () => Pick<
    UsageService,
    'checkLimit' | 'take' | 'giveBack' | 'reserveTokens' | 'settleTokens' | 'releaseTokens'
  >;
  tenantProfile(tenantId: string): Promise<{ tier: string; timezone: string }>;
  agents: () => AgentService;
  runs: () => RunService;
  gateway: () => AiGateway;
  suggestions: () => SuggestionSink;
  data: GatherDeps;
  /** Where each agent stands in each source (runs read only what is new). */
  watermarks: () => Watermarks;
  limits: { runMaxTokens: number; batchMaxItems: number };
}

export interface PrepareRequest {
  tenantId: string;
  runId: string;
}
export type PrepareResult =
  { proceed: true; mode: RunDoc['mode']; stepIds: string[]; coordinatorStepId: string | null } | { proceed: false };
export interface StepRequest {
  tenantId: string;
  runId: string;
  stepId: string;
  /** Steps whose outputs this step reads (previous sequential steps, or every parallel step for the coordinator). */
  previousStepIds: string[];
}
export interface StepResult {
  stepId: string;
  status: 'completed' | 'stopped' | 'cancelled';
}
export interface FinishRequest {
  tenantId: string;
  runId: string;
  /** What the orchestrator saw; `failed` when a step threw. */
  outcome: 'completed' | 'failed' | 'stopped' | 'cancelled';
  /** Why a run that never started was stopped (written with the final status, in the same write). */
  stop?: RunStop;
}

/** Why a run stopped: a budget or a plan limit, the words a person reads, and which limit (with its reset). */
export interface RunStop {
  kind: NonNullable<RunDoc['stopKind']>;
  reason: string;
  limit?: StopLimit;
}

/** Words a person may read about a failure: our errors' details; nothing from unknown errors. */
export function safeReason(err: unknown): string {
  if (err instanceof AppError) return err.detail;
  return 'The step failed unexpectedly. Try again later.';
}

/** What the person can do about a failure, when the error says so (its connector needs reconnecting, the model is away). */
export function failureCauseOf(err: unknown): FailureCause | null {
  if (!(err instanceof AppError)) return null;
  if (err.type === 'model-unavailable') return { kind: 'model' };
  const { connectorId, health } = err.extensions;
  if (typeof connectorId === 'string' && (health === 'needs_reauth' || health === 'revoked'))
    return { kind: 'reconnect', connectorId };
  return null;
}

/** A reached limit as a run stop: the tier's limits are `limit`, an agent's budgets and the run's cap `budget`. */
export function stopOf(err: LimitExceededError): RunStop {
  const tier = ['runsPerDay', 'tokensPerMonth'].includes(err.limit);
  const resetsAt = typeof err.extensions.resetsAt === 'string' ? err.extensions.resetsAt : null;
  return { kind: tier ? 'limit' : 'budget', reason: err.detail, limit: { name: err.limit, resetsAt } };
}

/** What the run activities share: the runs, the clock, step updates and events. */
export interface RunContext {
  deps: RunActivityDeps;
  /** The runs, read and changed through the run service. */
  runs(): Pick<RunService, 'update'> & { getOrThrow: RunService['get'] };
  now(): Date;
  /** Changes one step (and optionally the run) in one optimistic write. */
  updateStep(
    tenantId: string,
    runId: string,
    stepId: string,
    change: (step: RunStep, run: RunDoc) => Partial<RunStep>,
    runChange?: (run: RunDoc) => Partial<RunDoc>,
  ): Promise<RunDoc>;
  publish(type: DomainEventType, run: RunDoc, data: Record<string, unknown>, suffix: string): Promise<void>;
}

export function runContext(deps: RunActivityDeps): RunContext {
  const runs = () => ({
    getOrThrow: (tenantId: string, runId: string) => deps.runs().get(tenantId, runId),
    update: (tenantId: string, runId: string, change: (run: RunDoc) => RunDoc | undefined) =>
      deps.runs().update(tenantId, runId, change),
  });
  const now = () => deps.clock.now();
  return {
    deps,
    runs,
    now,
    updateStep: (tenantId, runId, stepId, change, runChange = () => ({})) =>
      runs().update(tenantId, runId, (run) => ({
        ...run,
        ...runChange(run),
        steps: run.steps.map((s) => (s.id === stepId ? { ...s, ...change(s, run) } : s)),
      })),
    async publish(type, run, data, suffix) {
      await deps.events().publish([
        domainEvent(type, run.tenantId, `runs/${run.id}`, data, {
          id: `${run.id}:${suffix}`,
          correlationId: run.correlationId ?? undefined,
          occurredAt: now(),
        }),
      ]);
    },
  };
}

export const targetIds = (run: RunDoc) => ({
  runId: run.id,
  agentId: run.target.type === 'agent' ? run.target.id : undefined,
  workflowId: run.target.type === 'workflow' ? run.target.id : undefined,
});

export const auditSource = (run: RunDoc): 'schedule' | 'event' | 'api' =>
  run.trigger.type === 'schedule' ? 'schedule' : run.trigger.type === 'event' ? 'event' : 'api';
