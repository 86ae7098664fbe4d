import type { AgentService } from '../agents/agent-service';
import type { AgentDoc } from '../agents/agent-model';
import { getTemplate } from '../catalog/templates';
import type { AgentInput, AgentTemplate, PreviousResult } from '../catalog/types';
import type { AiGateway } from '../ai/gateway';
import { estimateTokens } from '../ai/gateway';
import type { TokenUsage } from '../ai/types';
import type { UsageService } from '../identity/usage';
import type { AuditLog } from '../platform/audit/audit-log';
import type { BlobStore } from '../platform/blob/blob-store';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { TenantRepository } from '../platform/cosmos/tenant-repository';
import { AppError, LimitExceededError } from '../platform/errors';
import { domainEvent, type DomainEventType } from '../platform/events/domain-event';
import type { EventPublisher } from '../platform/events/publisher';
import type { SuggestionSink } from '../suggestions/kinds';
import { gatherInput, type GatherDeps } from './gather';
import { checkAgainstSources } from '../catalog/source-risk';
import { closeSteps, TERMINAL, totalTokens, type RunDoc, type RunStatus, type RunStep, type Tokens } from './run-model';
import type { RunService } from './run-service';

export interface RunActivityDeps {
  store: CosmosStore;
  blobs: () => BlobStore;
  clock: Clock;
  audit: () => AuditLog;
  events: () => EventPublisher;
  usage: () => Pick<UsageService, 'checkLimit' | 'record'>;
  tenantProfile(tenantId: string): Promise<{ tier: string; timezone: string }>;
  agents: () => AgentService;
  runs: () => RunService;
  gateway: () => AiGateway;
  suggestions: () => SuggestionSink;
  data: GatherDeps;
  limits: { runMaxTokens: number; batchMaxItems: number };
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
  stop?: { kind: NonNullable<RunDoc['stopKind']>; reason: string };
}

/** Words a person may read about a failure: our errors' details; nothing from unknown errors. */
export function safeReason(err: unknown): string {
  if (err instanceof AppError) return err.detail;
  return 'The step failed unexpectedly. Try again later.';
}

interface AgentMeter {
  id: string;
  tenantId: string;
  type: 'agentUsage';
  agentId: string;
  month: string;
  tokens: number;
  ttl: number;
}

const addTokens = (a: Tokens, u: TokenUsage): Tokens => ({
  prompt: a.prompt + u.promptTokens,
  cached: a.cached + u.cachedPromptTokens,
  completion: a.completion + u.completionTokens,
});
const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/** The run's totals after a step moves from what it had recorded (`before`) to `tokens` / `cost`. */
function runTotals(run: RunDoc, before: RunStep, tokens: Tokens, cost: number): Pick<RunDoc, 'tokens' | 'costUsd'> {
  return {
    tokens: {
      prompt: run.tokens.prompt + tokens.prompt - before.tokens.prompt,
      cached: run.tokens.cached + tokens.cached - before.tokens.cached,
      completion: run.tokens.completion + tokens.completion - before.tokens.completion,
    },
    costUsd: round(run.costUsd + cost - before.costUsd),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The run's activities, built from their dependencies. Each is idempotent enough to be retried and records
 * everything it did on the run document, so a failed step never loses earlier steps' results.
 */
export function createRunActivities(deps: RunActivityDeps) {
  const runs = () => deps.runs().repo;
  const meters = new TenantRepository<AgentMeter>(deps.store, 'runs', 'agent usage');
  const now = () => deps.clock.now();

  const updateStep = (
    tenantId: string,
    runId: string,
    stepId: string,
    change: (step: RunStep, run: RunDoc) => Partial<RunStep>,
    runChange: (run: RunDoc) => Partial<RunDoc> = () => ({}),
  ) =>
    runs().update(tenantId, runId, (run) => ({
      ...run,
      ...runChange(run),
      steps: run.steps.map((s) => (s.id === stepId ? { ...s, ...change(s, run) } : s)),
    }));

  async function agentMonthTokens(tenantId: string, agentId: string): Promise<number> {
    const month = now().toISOString().slice(0, 7);
    return (await meters.get(tenantId, `agent-usage:${agentId}:${month}`))?.tokens ?? 0;
  }

  async function addAgentTokens(tenantId: string, agentId: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    const month = now().toISOString().slice(0, 7);
    const id = `agent-usage:${agentId}:${month}`;
    await meters.createIfAbsent({ id, tenantId, type: 'agentUsage', agentId, month, tokens: 0, ttl: 400 * 86_400 });
    await meters.patch(tenantId, id, [{ op: 'incr', path: '/tokens', value: tokens }]);
  }

  async function publish(type: DomainEventType, run: RunDoc, data: Record<string, unknown>, suffix: string) {
    await deps.events().publish([
      domainEvent(type, run.tenantId, `runs/${run.id}`, data, {
        id: `${run.id}:${suffix}`,
        correlationId: run.correlationId ?? undefined,
        occurredAt: now(),
      }),
    ]);
  }

  const targetIds = (run: RunDoc) => ({
    runId: run.id,
    agentId: run.target.type === 'agent' ? run.target.id : undefined,
    workflowId: run.target.type === 'workflow' ? run.target.id : undefined,
  });

  /** Checks limits, marks the run running and counts it. Runs that may not start are finished here. */
  async function prepare(request: { tenantId: string; runId: string }): Promise<PrepareResult> {
    const run = await runs().getOrThrow(request.tenantId, request.runId);
    if (TERMINAL.includes(run.status)) return { proceed: false };
    if (run.status === 'pending') {
      if (run.cancelRequested) {
        await finish({ tenantId: run.tenantId, runId: run.id, outcome: 'cancelled' });
        return { proceed: false };
      }
      try {
        await deps.usage().checkLimit(run.tenantId, 'runsPerDay');
        await deps.usage().checkLimit(run.tenantId, 'tokensPerMonth');
      } catch (err) {
        if (!(err instanceof LimitExceededError)) throw err;
        // One write: the stop, its reason and the skipped steps become visible together.
        await finish({
          tenantId: run.tenantId,
          runId: run.id,
          outcome: 'stopped',
          stop: { kind: 'limit', reason: err.detail },
        });
        return { proceed: false };
      }
      const started = await runs().update(run.tenantId, run.id, (r) =>
        r.status === 'pending' ? { ...r, status: 'running', startedAt: now().toISOString() } : undefined,
      );
      await deps.usage().record(run.tenantId, { runs: 1 });
      await publish(
        'RunStarted',
        started,
        { ...targetIds(started), trigger: started.trigger.type, steps: started.steps.length },
        'started',
      );
      await deps.audit().record({
        tenantId: run.tenantId,
        actor: { type: 'system', id: 'orchestrator' },
        action: 'run.started',
        target: { type: 'run', id: run.id },
        outcome: 'success',
        source: run.trigger.type === 'schedule' ? 'schedule' : 'api',
        correlationId: run.correlationId ?? undefined,
        summary: `Run of "${run.target.name}" started with ${run.steps.length} step(s)`,
      });
    }
    const coordinator = run.steps.find((s) => s.role === 'coordinator');
    return {
      proceed: true,
      mode: run.mode,
      stepIds: run.steps.filter((s) => s.role === 'step').map((s) => s.id),
      coordinatorStepId: coordinator?.id ?? null,
    };
  }

  async function loadPrevious(run: RunDoc, stepIds: string[]): Promise<PreviousResult[]> {
    const out: PreviousResult[] = [];
    for (const id of stepIds) {
      const s = run.steps.find((x) => x.id === id);
      if (!s || s.status !== 'completed' || !s.outputPath) continue;
      const raw = await deps.blobs().get(run.tenantId, s.outputPath);
      out.push({
        stepId: s.id,
        agentId: s.agentId,
        templateId: s.templateId,
        name: s.name,
        summary: s.summary ?? '',
        output: raw ? JSON.parse(raw.toString('utf8')) : null,
      });
    }
    return out;
  }

  /** The tokens this step may still use, or a reason to stop. */
  async function allowance(
    run: RunDoc,
    agent: AgentDoc,
    step: RunStep,
    tenantId: string,
    estimate: number,
  ): Promise<{ ok: true } | { ok: false; reason: string; kind: 'budget' | 'limit' }> {
    const runUsed = totalTokens(run.tokens) + totalTokens(step.tokens);
    if (runUsed + estimate > deps.limits.runMaxTokens) {
      return {
        ok: false,
        kind: 'budget',
        reason: `The run would pass its cap of ${deps.limits.runMaxTokens} tokens (used ${runUsed}, next request about ${estimate}).`,
      };
    }
    const perRun = agent.tokenBudget.perRun;
    if (perRun !== null && totalTokens(step.tokens) + estimate > perRun) {
      return {
        ok: false,
        kind: 'budget',
        reason: `"${agent.name}" would pass its budget of ${perRun} tokens per run (next request about ${estimate}).`,
      };
    }
    const perMonth = agent.tokenBudget.perMonth;
    if (perMonth !== null) {
      const used = (await agentMonthTokens(tenantId, agent.id)) + totalTokens(step.tokens);
      if (used + estimate > perMonth) {
        return {
          ok: false,
          kind: 'budget',
          reason: `"${agent.name}" would pass its monthly budget of ${perMonth} tokens (used ${used}).`,
        };
      }
    }
    try {
      await deps.usage().checkLimit(tenantId, 'tokensPerMonth', { amount: estimate });
    } catch (err) {
      if (err instanceof LimitExceededError) return { ok: false, kind: 'limit', reason: err.detail };
      throw err;
    }
    return { ok: true };
  }

  /** Runs one agent step: gather (snapshots), model (batched), validate, propose, record. */
  async function runStep(request: StepRequest): Promise<StepResult> {
    const { tenantId, runId, stepId } = request;
    let run = await runs().getOrThrow(tenantId, runId);
    const current = run.steps.find((s) => s.id === stepId);
    if (!current) throw new Error(`run ${runId} has no step ${stepId}`);
    if (current.status === 'completed') return { stepId, status: 'completed' };
    if (run.cancelRequested) {
      await updateStep(tenantId, runId, stepId, () => ({ status: 'cancelled', finishedAt: now().toISOString() }));
      return { stepId, status: 'cancelled' };
    }
    let used: Tokens = { ...current.tokens };
    let cost = current.costUsd;
    let requests = current.modelRequests;
    let model: string | null = current.model;
    const timings = { ...current.timings };
    try {
      const agent = await deps.agents().repo.get(tenantId, current.agentId);
      if (!agent) throw new AppError(409, 'conflict', 'Agent missing', 'The agent of this step was deleted.');
      const template: AgentTemplate = getTemplate(agent.templateId);
      const config = template.configSchema.parse({
        ...agent.config,
        ...(run.mode === 'single' ? (run.input?.config ?? {}) : {}),
      });
      run = await updateStep(tenantId, runId, stepId, () => ({
        status: 'running',
        startedAt: current.startedAt ?? now().toISOString(),
        error: null,
      }));
      const profile = await deps.tenantProfile(tenantId);
      const gatherStarted = performance.now();
      const gathered = await gatherInput(deps.data, tenantId, template, config, new Date(run.asOf), current.snapshots);
      timings.gatherMs += Math.round(performance.now() - gatherStarted);
      if (current.snapshots.length === 0 && gathered.snapshots.length > 0) {
        run = await updateStep(tenantId, runId, stepId, () => ({ snapshots: gathered.snapshots }));
      }
      const previous = await loadPrevious(run, request.previousStepIds);
      const base: AgentInput = {
        now: run.asOf,
        timezone: profile.timezone,
        config,
        previous,
        ...gathered.data,
        mail: gathered.data.mail,
      };
      const itemCount = base.mail.length + base.threads.length + base.events.length + base.documents.length;
      const batches = template.merge
        ? chunk(base.mail, deps.limits.batchMaxItems).map((mail) => ({ ...base, mail }))
        : [base];
      const context = `Today is ${run.asOf} (time zone ${profile.timezone}). Settings: ${JSON.stringify(config)}.`;

      const outputs: unknown[] = [];
      for (const input of batches) {
        const estimate =
          estimateTokens(
            deps
              .gateway()
              .messagesFor(template.task, input, context)
              .map((m) => m.content)
              .join('\n'),
          ) + 1000;
        const allowed = await allowance(run, agent, { ...current, tokens: used }, tenantId, estimate);
        if (!allowed.ok) {
          await updateStep(
            tenantId,
            runId,
            stepId,
            () => ({
              status: 'stopped',
              error: allowed.reason,
              finishedAt: now().toISOString(),
              tokens: used,
              costUsd: cost,
              modelRequests: requests,
              model,
              itemCount,
              timings,
            }),
            (r) => ({ stopKind: allowed.kind, reason: allowed.reason, ...runTotals(r, current, used, cost) }),
          );
          return { stepId, status: 'stopped' };
        }
        const modelStarted = performance.now();
        const result = await deps.gateway().generate(template.task, input, { tier: profile.tier, context });
        timings.modelMs += Math.round(performance.now() - modelStarted);
        outputs.push(result.output);
        used = addTokens(used, result.usage);
        cost = round(cost + result.costUsd);
        requests += result.requests;
        model = result.model;
        await recordTokens(tenantId, agent.id, result.usage, result.costUsd);
      }
      const output = template.merge && outputs.length > 1 ? template.merge(outputs) : outputs[0];
      const summary = template.summarize(output);
      // Checked in code against what the step read: the model may have been fooled by it.
      const proposals = checkAgainstSources(
        template.propose(output, { input: base, connectors: gathered.connectors }),
        base,
      );
      const suggestionIds = proposals.length
        ? await deps.suggestions().propose(
            {
              tenantId,
              runId,
              stepId,
              agentId: agent.id,
              templateId: template.id,
              promptVersion: template.promptVersion,
              model: model ?? 'offline',
              correlationId: run.correlationId ?? undefined,
            },
            proposals,
          )
        : [];
      const outputPath = `runs/${runId}/${stepId}.json`;
      await deps.blobs().put(tenantId, outputPath, JSON.stringify(output), 'application/json');
      const stepTokens = used;
      await updateStep(
        tenantId,
        runId,
        stepId,
        () => ({
          status: 'completed',
          finishedAt: now().toISOString(),
          tokens: stepTokens,
          costUsd: cost,
          modelRequests: requests,
          model,
          itemCount,
          timings,
          summary,
          suggestionIds,
          outputPath,
        }),
        (r) => ({
          ...runTotals(r, current, stepTokens, cost),
          suggestionIds: [...new Set([...r.suggestionIds, ...suggestionIds])],
        }),
      );
      await deps.audit().record({
        tenantId,
        actor: { type: 'agent', id: agent.id, name: agent.name },
        action: 'agent.run.step.completed',
        target: { type: 'run', id: runId },
        outcome: 'success',
        source: run.trigger.type === 'schedule' ? 'schedule' : 'api',
        correlationId: run.correlationId ?? undefined,
        summary:
          `${agent.name} read ${itemCount} item(s) and proposed ${suggestionIds.length} suggestion(s): ${summary}`.slice(
            0,
            500,
          ),
        after: { stepId, tokens: stepTokens, costUsd: cost, model, suggestionIds },
      });
      return { stepId, status: 'completed' };
    } catch (err) {
      const reason = safeReason(err);
      const extra = err as { usage?: TokenUsage; costUsd?: number };
      if (extra.usage) {
        used = addTokens(used, extra.usage);
        cost = round(cost + (extra.costUsd ?? 0));
        await recordTokens(tenantId, current.agentId, extra.usage, extra.costUsd ?? 0).catch(() => undefined);
      }
      await updateStep(
        tenantId,
        runId,
        stepId,
        () => ({
          status: 'failed',
          error: reason,
          finishedAt: now().toISOString(),
          tokens: used,
          costUsd: cost,
          modelRequests: requests,
          model,
          timings,
        }),
        (r) => ({ reason, ...runTotals(r, current, used, cost) }),
      ).catch(() => undefined);
      await deps
        .audit()
        .record({
          tenantId,
          actor: { type: 'agent', id: current.agentId, name: current.name },
          action: 'agent.run.step.failed',
          target: { type: 'run', id: runId },
          outcome: 'failure',
          source: run.trigger.type === 'schedule' ? 'schedule' : 'api',
          correlationId: run.correlationId ?? undefined,
          summary: `${current.name} failed: ${reason}`.slice(0, 500),
        })
        .catch(() => undefined);
      throw err;
    }
  }

  async function recordTokens(tenantId: string, agentId: string, usage: TokenUsage, costUsd: number) {
    await deps.usage().record(tenantId, {
      promptTokens: usage.promptTokens,
      cachedPromptTokens: usage.cachedPromptTokens,
      completionTokens: usage.completionTokens,
      costUsd,
    });
    await addAgentTokens(tenantId, agentId, usage.promptTokens + usage.completionTokens);
  }

  /** Writes the final status, skips steps that never ran, publishes the outcome event, audits. Idempotent. */
  async function finish(request: FinishRequest): Promise<RunStatus> {
    const at = now();
    let finished: RunDoc | undefined;
    const run = await runs().update(request.tenantId, request.runId, (r) => {
      if (TERMINAL.includes(r.status) && r.finishedAt) return undefined;
      const failedStep = r.steps.find((s) => s.status === 'failed');
      const status: RunStatus =
        r.status === 'stopped' || request.outcome === 'stopped' || r.steps.some((s) => s.status === 'stopped')
          ? 'stopped'
          : request.outcome === 'cancelled' || r.steps.some((s) => s.status === 'cancelled')
            ? 'cancelled'
            : request.outcome === 'failed' || failedStep
              ? 'failed'
              : 'completed';
      const reason =
        status === 'completed'
          ? null
          : status === 'cancelled'
            ? 'Cancelled at your request.'
            : (request.stop?.reason ?? r.reason ?? failedStep?.error ?? 'The run failed.');
      const startedAt = r.startedAt ?? r.createdAt;
      finished = {
        ...r,
        status,
        reason,
        stopKind: request.stop?.kind ?? r.stopKind,
        steps: closeSteps(r.steps, at),
        finishedAt: at.toISOString(),
        durationMs: Math.max(0, at.getTime() - Date.parse(startedAt)),
      };
      return finished;
    });
    if (!finished) return run.status;
    const models = [...new Set(run.steps.map((s) => s.model).filter(Boolean))];
    const type: DomainEventType =
      run.status === 'completed' ? 'RunCompleted' : run.status === 'cancelled' ? 'RunCancelled' : 'RunFailed';
    await publish(
      type,
      run,
      {
        ...targetIds(run),
        status: run.status,
        reason: run.reason,
        stopKind: run.stopKind,
        tokens: run.tokens,
        promptTokens: run.tokens.prompt,
        cachedPromptTokens: run.tokens.cached,
        completionTokens: run.tokens.completion,
        costUsd: run.costUsd,
        model: models.join(',') || null,
        durationMs: run.durationMs,
        suggestionIds: run.suggestionIds,
        steps: run.steps.map((s) => ({
          id: s.id,
          agentId: s.agentId,
          status: s.status,
          tokens: s.tokens,
          costUsd: s.costUsd,
          model: s.model,
        })),
      },
      'finished',
    );
    await deps.audit().record({
      tenantId: run.tenantId,
      actor: { type: 'system', id: 'orchestrator' },
      action: `run.${run.status}`,
      target: { type: 'run', id: run.id },
      outcome: run.status === 'completed' ? 'success' : 'failure',
      source: run.trigger.type === 'schedule' ? 'schedule' : 'api',
      correlationId: run.correlationId ?? undefined,
      summary:
        `Run of "${run.target.name}" ${run.status}: ${totalTokens(run.tokens)} tokens, $${run.costUsd.toFixed(4)}, ${run.suggestionIds.length} suggestion(s)${run.reason ? `. ${run.reason}` : ''}`.slice(
          0,
          500,
        ),
    });
    return run.status;
  }

  return { prepare, runStep, finish };
}

export type RunActivities = ReturnType<typeof createRunActivities>;
