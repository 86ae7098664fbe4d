import { randomUUID } from 'node:crypto';
import type { AgentService } from '../agents/agent-service';
import { getTemplate } from '../catalog/templates';
import type { UsageService } from '../identity/usage';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type Stored } from '../platform/cosmos/tenant-repository';
import { ConflictError, ValidationError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import type { WorkflowService } from '../packs/workflow-service';
import {
  closeSteps,
  instanceIdOf,
  TERMINAL,
  ZERO_TOKENS,
  type RunDoc,
  type RunStep,
  type RunStatus,
  type StartRunInput,
} from './run-model';

/** Starts orchestrations; the Durable client in Azure and locally, through this small port. */
export interface OrchestrationStarter {
  /** Starts the run orchestration under `instanceId`. */
  start(instanceId: string, input: RunOrchestrationInput): Promise<void>;
}

export interface RunOrchestrationInput {
  tenantId: string;
  runId: string;
}

export interface RunServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'checkLimit' | 'take' | 'giveBack'>;
  agents: () => AgentService;
  workflows: () => WorkflowService;
}

/** What to run, and who asked (the scheduler for scheduled runs). */
export interface RunRequest extends Actor {
  target: { type: 'agent' | 'workflow'; id: string };
  input?: StartRunInput['input'];
  trigger: RunDoc['trigger'];
  /** Deterministic id for scheduled runs (one per target and slot). */
  runId?: string;
  /**
   * Count the run against today's runs when it is accepted, and refuse it (429, no run created) beyond the limit or
   * when this month's tokens are used up (default). Scheduled runs skip this: the run is created, counted when it
   * starts, and stops with a visible "limit" status, so the person sees why it did not run.
   */
  checkLimits?: boolean;
}

const step = (id: string, agent: { id: string; templateId: string; name: string }, role: RunStep['role']): RunStep => ({
  id,
  agentId: agent.id,
  templateId: agent.templateId,
  name: agent.name,
  role,
  status: 'pending',
  startedAt: null,
  finishedAt: null,
  tokens: { ...ZERO_TOKENS },
  costUsd: 0,
  model: null,
  modelRequests: 0,
  itemCount: 0,
  timings: { gatherMs: 0, modelMs: 0 },
  summary: null,
  suggestionIds: [],
  error: null,
  snapshots: [],
  outputPath: null,
});

/** Runs of agents and workflows: starting them (limits, audit, the orchestration), reading, progress and cancelling. */
export interface RunService {
  /** The run, or NotFoundError. */
  get(tenantId: string, runId: string): Promise<Stored<RunDoc>>;
  /**
   * Changes a run in one optimistic write (the run activities' progress); `change` answers undefined to leave it
   * as it is. Returns the run as stored afterwards.
   */
  update(tenantId: string, runId: string, change: (run: RunDoc) => RunDoc | undefined): Promise<Stored<RunDoc>>;
  /** The tenant's runs, newest first, optionally only those with a status or of an agent or workflow. */
  list(
    tenantId: string,
    paging: { limit: number; cursor?: string },
    filter?: { status?: RunStatus; agentId?: string; workflowId?: string },
  ): Promise<Page<Stored<RunDoc>>>;
  /**
   * Creates the run document (pending) after checking the target and today's run limit, then starts its orchestration.
   * With a deterministic `runId` (schedules) a second request for the same slot finds the run and starts nothing.
   */
  start(
    tenantId: string,
    request: RunRequest,
    starter: OrchestrationStarter,
  ): Promise<{ run: Stored<RunDoc>; created: boolean }>;
  /** Asks a run to stop: it finishes as cancelled at its next step boundary (or before it starts). */
  cancel(tenantId: string, runId: string, actor: Actor): Promise<Stored<RunDoc>>;
}

export function createRunService(deps: RunServiceDeps): RunService {
  const repo = createTenantRepository<RunDoc>(deps.store, 'runs', 'run');

  function get(tenantId: string, runId: string): Promise<Stored<RunDoc>> {
    return repo.getOrThrow(tenantId, runId);
  }

  function update(
    tenantId: string,
    runId: string,
    change: (run: RunDoc) => RunDoc | undefined,
  ): Promise<Stored<RunDoc>> {
    return repo.update(tenantId, runId, change);
  }

  function list(
    tenantId: string,
    paging: { limit: number; cursor?: string },
    filter: { status?: RunStatus; agentId?: string; workflowId?: string } = {},
  ): Promise<Page<Stored<RunDoc>>> {
    const where = ['c.type = "run"'];
    const parameters: { name: string; value: string }[] = [];
    if (filter.status) {
      where.push('c.status = @status');
      parameters.push({ name: '@status', value: filter.status });
    }
    if (filter.agentId) {
      where.push('(c.target.id = @agentId OR ARRAY_CONTAINS(c.steps, {"agentId": @agentId}, true))');
      parameters.push({ name: '@agentId', value: filter.agentId });
    }
    if (filter.workflowId) {
      where.push('c.target.type = "workflow" AND c.target.id = @workflowId');
      parameters.push({ name: '@workflowId', value: filter.workflowId });
    }
    return repo.query(
      tenantId,
      `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAt DESC`,
      parameters,
      paging,
    );
  }

  async function start(
    tenantId: string,
    request: RunRequest,
    starter: OrchestrationStarter,
  ): Promise<{ run: Stored<RunDoc>; created: boolean }> {
    const now = deps.clock.now();
    let target: RunDoc['target'];
    let mode: RunDoc['mode'];
    let steps: RunStep[];
    if (request.target.type === 'agent') {
      const agent = await deps.agents().get(tenantId, request.target.id);
      if (!agent.enabled) throw new ConflictError('This agent is disabled. Enable it to run it.');
      const template = getTemplate(agent.templateId);
      if (template.coordinator) throw new ConflictError('A coordinator only runs as part of a parallel workflow.');
      if (request.input?.config) {
        const check = template.configSchema.safeParse({ ...agent.config, ...request.input.config });
        if (!check.success) {
          throw ValidationError.fromZod(check.error, ['input', 'config']);
        }
      }
      target = { type: 'agent', id: agent.id, name: agent.name };
      mode = 'single';
      steps = [step('main', agent, 'step')];
    } else {
      const workflow = await deps.workflows().get(tenantId, request.target.id);
      if (!workflow.enabled) throw new ConflictError('This workflow is disabled. Enable it to run it.');
      const agents = await Promise.all(workflow.steps.map((s) => deps.agents().find(tenantId, s.agentId)));
      const missing = agents.findIndex((a) => !a);
      if (missing >= 0)
        throw new ConflictError(
          `Step ${missing + 1} of this workflow refers to an agent that was deleted. Edit the workflow first.`,
        );
      steps = workflow.steps.map((s, i) => step(s.id, agents[i]!, 'step'));
      if (workflow.mode === 'parallel') {
        const coordinator = workflow.coordinatorAgentId
          ? await deps.agents().find(tenantId, workflow.coordinatorAgentId)
          : undefined;
        if (!coordinator)
          throw new ConflictError("This workflow's coordinator agent was deleted. Edit the workflow first.");
        steps.push(step('coordinator', coordinator, 'coordinator'));
      }
      target = { type: 'workflow', id: workflow.id, name: workflow.name };
      mode = workflow.mode;
    }

    const runId =
      request.runId ??
      `run_${now
        .toISOString()
        .replace(/[-:.TZ]/g, '')
        .slice(0, 14)}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    if (request.runId) {
      const existing = await repo.get(tenantId, runId);
      if (existing) return { run: existing, created: false };
    }
    const counted = request.checkLimits !== false;
    if (counted) {
      await deps.usage().checkLimit(tenantId, 'tokensPerMonth');
      // One conditional increment: of simultaneous starts, exactly as many as the day has left are accepted.
      await deps.usage().take(tenantId, 'runsPerDay');
    }

    const doc: RunDoc = {
      id: runId,
      tenantId,
      type: 'run',
      target,
      mode,
      trigger: request.trigger,
      status: 'pending',
      reason: null,
      stopKind: null,
      steps,
      tokens: { ...ZERO_TOKENS },
      costUsd: 0,
      suggestionIds: [],
      input: request.input ?? null,
      instanceId: instanceIdOf(tenantId, runId),
      cancelRequested: false,
      createdBy: request.actorId,
      correlationId: request.correlationId ?? null,
      asOf: request.trigger.slot ?? now.toISOString(),
      createdAt: now.toISOString(),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      counted,
    };
    let stored: { doc: Stored<RunDoc>; created: boolean };
    try {
      stored = await repo.createIfAbsent(doc);
    } catch (err) {
      if (counted) await deps.usage().giveBack(tenantId, 'runsPerDay');
      throw err;
    }
    const { doc: run, created } = stored;
    if (!created) {
      if (counted) await deps.usage().giveBack(tenantId, 'runsPerDay');
      return { run, created };
    }
    await deps.audit().record({
      tenantId,
      actor: {
        type: request.source === 'schedule' || request.source === 'event' ? 'system' : 'person',
        id: request.actorId,
      },
      action: 'run.requested',
      target: { type: 'run', id: runId },
      outcome: 'success',
      source: request.source,
      correlationId: request.correlationId,
      summary: `Run of ${target.type} "${target.name}" requested (${request.trigger.type}${request.trigger.slot ? ` slot ${request.trigger.slot}` : ''}${request.trigger.on ? ` ${request.trigger.on}` : ''})`,
    });
    try {
      await starter.start(run.instanceId, { tenantId, runId });
    } catch (err) {
      // The run could not start: say so on the run instead of leaving it pending forever.
      const at = deps.clock.now();
      await repo.update(tenantId, runId, (current) =>
        TERMINAL.includes(current.status)
          ? undefined
          : {
              ...current,
              status: 'failed',
              reason: 'The run could not be started. Try again in a moment.',
              steps: closeSteps(current.steps, at),
              finishedAt: at.toISOString(),
              durationMs: Math.max(0, at.getTime() - Date.parse(current.createdAt)),
            },
      );
      if (counted) await deps.usage().giveBack(tenantId, 'runsPerDay');
      throw err;
    }
    return { run, created };
  }

  async function cancel(tenantId: string, runId: string, actor: Actor): Promise<Stored<RunDoc>> {
    let already = false;
    const run = await repo.update(tenantId, runId, (current) => {
      if (TERMINAL.includes(current.status))
        throw new ConflictError(
          `The run has already ${current.status === 'stopped' ? 'stopped' : current.status === 'cancelled' ? 'been cancelled' : current.status}.`,
        );
      if (current.cancelRequested) {
        already = true;
        return undefined;
      }
      return { ...current, cancelRequested: true };
    });
    if (!already) {
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'run.cancel.requested',
        target: { type: 'run', id: runId },
        outcome: 'success',
        summary: `Cancellation of the run of "${run.target.name}" requested`,
      });
    }
    return run;
  }

  return { get, update, list, start, cancel };
}
