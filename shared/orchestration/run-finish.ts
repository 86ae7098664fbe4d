import type { DomainEventType } from '../platform/events/domain-event';
import { auditSource, targetIds, type FinishRequest, type RunContext } from './run-context';
import { closeSteps, TERMINAL, totalTokens, type RunDoc, type RunStatus } from './run-model';
import { plural } from '../platform/words';

/** Writes the final status, skips steps that never ran, publishes the outcome event, audits. Idempotent. */
export function createFinish(ctx: RunContext) {
  return async function finish(request: FinishRequest): Promise<RunStatus> {
    const at = ctx.now();
    let finished: RunDoc | undefined;
    const run = await ctx.runs().update(request.tenantId, request.runId, (r) => {
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
        stopLimit: request.stop?.limit ?? r.stopLimit ?? null,
        steps: closeSteps(r.steps, at),
        finishedAt: at.toISOString(),
        durationMs: Math.max(0, at.getTime() - Date.parse(startedAt)),
      };
      return finished;
    });
    // Watermarks move only with a completed run (idempotent: each moves only from where the run read).
    if (run.status === 'completed')
      await ctx.deps.watermarks().advance(
        run.tenantId,
        run.steps.flatMap((s) => s.watermarks ?? []),
      );
    if (!finished) return run.status;
    const models = [...new Set(run.steps.map((s) => s.model).filter(Boolean))];
    const type: DomainEventType =
      run.status === 'completed' ? 'RunCompleted' : run.status === 'cancelled' ? 'RunCancelled' : 'RunFailed';
    await ctx.publish(
      type,
      run,
      {
        ...targetIds(run),
        trigger: run.trigger.type,
        status: run.status,
        target: run.target,
        reason: run.reason,
        stopKind: run.stopKind,
        stopLimit: run.stopLimit ?? null,
        failureCause: run.failureCause ?? null,
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
    await ctx.deps.audit().record({
      tenantId: run.tenantId,
      actor: { type: 'system', id: 'orchestrator' },
      action: `run.${run.status}`,
      target: { type: 'run', id: run.id },
      outcome: run.status === 'completed' ? 'success' : 'failure',
      source: auditSource(run),
      correlationId: run.correlationId ?? undefined,
      summary:
        `Run of "${run.target.name}" ${run.status}: ${totalTokens(run.tokens)} tokens, $${run.costUsd.toFixed(4)}, ${plural(run.suggestionIds.length, 'suggestion', 'suggestions')}${run.reason ? `. ${run.reason}` : ''}`.slice(
          0,
          500,
        ),
    });
    return run.status;
  };
}
