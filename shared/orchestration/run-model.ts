import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import type { SnapshotRef } from '../connectors/types';
import { resourceId } from '../platform/ids';
import type { EventKind } from '../events/event-kinds';
import type { StagedWatermark } from '../events/watermarks';

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped';
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'stopped' | 'skipped';
export const TERMINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled', 'stopped'];

export interface Tokens {
  prompt: number;
  cached: number;
  completion: number;
}
/** A reached limit: a tier limit (`runsPerDay`, `tokensPerMonth`) or a budget (`agentTokensPerRun`…). */
/** A failure the person can act on: an account to reconnect, or the AI model that was not available. */
export type FailureCause = { kind: 'reconnect'; connectorId: string } | { kind: 'model' };

export interface StopLimit {
  name: string;
  resetsAt: string | null;
}

export const ZERO_TOKENS: Tokens = { prompt: 0, cached: 0, completion: 0 };
export const totalTokens = (t: Tokens) => t.prompt + t.completion;

export interface RunStep {
  id: string;
  agentId: string;
  templateId: string;
  name: string;
  /** `coordinator` merges the results of the parallel steps. */
  role: 'step' | 'coordinator';
  status: StepStatus;
  startedAt: string | null;
  finishedAt: string | null;
  tokens: Tokens;
  costUsd: number;
  model: string | null;
  /** Model requests made by the step (batches, repairs and retries included). */
  modelRequests: number;
  /** Items read (messages, threads, events, documents). */
  itemCount: number;
  /** Time spent reading connectors and waiting for the model (the rest of the step is our own overhead). */
  timings: { gatherMs: number; modelMs: number };
  summary: string | null;
  suggestionIds: string[];
  /** Safe words about why the step failed or stopped. */
  error: string | null;
  /** What the step read, frozen (replays and retries read these, never the provider again). */
  snapshots: SnapshotRef[];
  /** Blob path of the step's structured output (input of later steps and the coordinator). */
  outputPath: string | null;
  /** Where the agent's watermarks get to when the run completes (staged when the step read its sources). */
  watermarks?: StagedWatermark[];
}

export interface RunDoc extends TenantDoc {
  type: 'run';
  target: { type: 'agent' | 'workflow'; id: string; name: string };
  mode: 'single' | 'sequential' | 'parallel';
  /** What started the run; `on` names the event kind of event-triggered runs. */
  trigger: { type: 'manual' | 'schedule' | 'event'; slot: string | null; on?: EventKind };
  status: RunStatus;
  /** Safe words for failed / stopped / cancelled runs. */
  reason: string | null;
  /** `budget` or `limit` for stopped runs. */
  stopKind: 'budget' | 'limit' | null;
  /** For stopped runs: the limit or budget that was reached, and when it starts over (null: it does not). */
  stopLimit?: StopLimit | null;
  /** For failed runs, when the error said what the person can do about it (reconnect an account, wait for the model). */
  failureCause?: FailureCause | null;
  /** The run was counted against the day's runs when it was accepted (scheduled runs are counted when they start). */
  counted?: boolean;
  steps: RunStep[];
  tokens: Tokens;
  costUsd: number;
  suggestionIds: string[];
  /** Config overrides for a single-agent run (validated by the template). */
  input: { config?: Record<string, unknown> } | null;
  instanceId: string;
  cancelRequested: boolean;
  createdBy: string;
  correlationId: string | null;
  /** "Now" for the agents: the schedule slot, or when the run was requested. */
  asOf: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

/**
 * The steps of a run that is finishing at `at`: steps that never ran are skipped; a parallel sibling still running when
 * another step failed is marked as such (if it completes later, it records its own result). Every write that makes a
 * run terminal applies this in the same write, so nobody ever sees a finished run with a pending step.
 */
export function closeSteps(steps: RunStep[], at: Date): RunStep[] {
  return steps.map((s) =>
    s.status === 'pending'
      ? { ...s, status: 'skipped', finishedAt: at.toISOString() }
      : s.status === 'running'
        ? {
            ...s,
            status: 'failed',
            error: 'Stopped because another step of the run failed.',
            finishedAt: at.toISOString(),
          }
        : s,
  );
}

export const instanceIdOf = (tenantId: string, runId: string) => `run:${tenantId}:${runId}`;

export const startRunBody = z
  .object({
    agentId: resourceId.optional(),
    workflowId: resourceId.optional(),
    input: z
      .object({ config: z.record(z.string(), z.unknown()).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => Boolean(v.agentId) !== Boolean(v.workflowId), {
    message: 'give exactly one of agentId or workflowId',
    path: ['agentId'],
  });
export type StartRunInput = z.infer<typeof startRunBody>;

const tokensView = z.object({ prompt: z.number(), cached: z.number(), completion: z.number() });

export const runView = z.object({
  id: z.string(),
  target: z.object({ type: z.enum(['agent', 'workflow']), id: z.string(), name: z.string() }),
  mode: z.enum(['single', 'sequential', 'parallel']),
  trigger: z.object({
    type: z.enum(['manual', 'schedule', 'event']),
    slot: z.string().nullable(),
    on: z.enum(['mail.received', 'calendar.changed', 'files.changed']).optional(),
  }),
  status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'stopped']),
  reason: z.string().nullable(),
  stopKind: z.enum(['budget', 'limit']).nullable(),
  /** The limit or budget a stopped run reached, and when it resets (null: it does not reset by itself). */
  stopLimit: z.object({ name: z.string(), resetsAt: z.string().nullable() }).nullable(),
  progress: z.object({
    stage: z.string(),
    completedSteps: z.number(),
    totalSteps: z.number(),
    currentStep: z.string().nullable(),
  }),
  steps: z.array(
    z.object({
      id: z.string(),
      agentId: z.string(),
      templateId: z.string(),
      name: z.string(),
      role: z.enum(['step', 'coordinator']),
      status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'stopped', 'skipped']),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      tokens: tokensView,
      costUsd: z.number(),
      model: z.string().nullable(),
      modelRequests: z.number(),
      itemCount: z.number(),
      timings: z.object({ gatherMs: z.number(), modelMs: z.number() }),
      summary: z.string().nullable(),
      suggestionIds: z.array(z.string()),
      error: z.string().nullable(),
    }),
  ),
  tokens: tokensView,
  costUsd: z.number(),
  suggestionIds: z.array(z.string()),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type RunView = z.infer<typeof runView>;

/** Progress as the orchestrator reports it through its custom status. */
export interface RunProgress {
  stage: 'preparing' | 'running' | 'coordinating' | 'finishing' | 'done';
  completedSteps: number;
  totalSteps: number;
  currentStep: string | null;
}

export function toRunView(run: RunDoc, live?: RunProgress | null): RunView {
  const completed = run.steps.filter((s) => s.status !== 'pending' && s.status !== 'running').length;
  const running = run.steps.find((s) => s.status === 'running');
  const computed: RunProgress = {
    stage: TERMINAL.includes(run.status) ? 'done' : run.status === 'pending' ? 'preparing' : 'running',
    completedSteps: completed,
    totalSteps: run.steps.length,
    currentStep: running?.id ?? null,
  };
  const progress =
    live && !TERMINAL.includes(run.status)
      ? { ...live, completedSteps: Math.max(live.completedSteps, completed) }
      : computed;
  return {
    id: run.id,
    target: run.target,
    mode: run.mode,
    trigger: run.trigger,
    status: run.status,
    reason: run.reason,
    stopKind: run.stopKind,
    stopLimit: run.stopLimit ?? null,
    progress,
    steps: run.steps.map(({ snapshots: _s, outputPath: _o, watermarks: _w, ...step }) => step),
    tokens: run.tokens,
    costUsd: run.costUsd,
    suggestionIds: run.suggestionIds,
    cancelRequested: run.cancelRequested,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
  };
}
