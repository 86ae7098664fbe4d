import { LimitExceededError } from '../platform/errors';
import {
  auditSource,
  stopOf,
  targetIds,
  type FinishRequest,
  type PrepareRequest,
  type PrepareResult,
  type RunContext,
} from './run-context';
import { TERMINAL, type RunStatus } from './run-model';
import { plural } from '../platform/words';

/**
 * Marks the run running, counting it against the day's runs if it was not counted when accepted (scheduled runs);
 * a run that may not start is finished here, stopped with the limit it reached.
 */
export function createPrepare(ctx: RunContext, finish: (request: FinishRequest) => Promise<RunStatus>) {
  return async function prepare(request: PrepareRequest): Promise<PrepareResult> {
    const { deps } = ctx;
    const run = await ctx.runs().getOrThrow(request.tenantId, request.runId);
    if (TERMINAL.includes(run.status)) return { proceed: false };
    if (run.status === 'pending') {
      if (run.cancelRequested) {
        await finish({ tenantId: run.tenantId, runId: run.id, outcome: 'cancelled' });
        return { proceed: false };
      }
      try {
        await deps.usage().checkLimit(run.tenantId, 'tokensPerMonth');
        if (!run.counted) await deps.usage().take(run.tenantId, 'runsPerDay');
      } catch (err) {
        if (!(err instanceof LimitExceededError)) throw err;
        // One write: the stop, its reason and the skipped steps become visible together.
        await finish({ tenantId: run.tenantId, runId: run.id, outcome: 'stopped', stop: stopOf(err) });
        return { proceed: false };
      }
      const started = await ctx
        .runs()
        .update(run.tenantId, run.id, (r) =>
          r.status === 'pending'
            ? { ...r, status: 'running', counted: true, startedAt: ctx.now().toISOString() }
            : undefined,
        );
      await ctx.publish(
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
        source: auditSource(run),
        correlationId: run.correlationId ?? undefined,
        summary: `Run of "${run.target.name}" started with ${plural(run.steps.length, 'step', 'steps')}`,
      });
    }
    const coordinator = run.steps.find((s) => s.role === 'coordinator');
    return {
      proceed: true,
      mode: run.mode,
      stepIds: run.steps.filter((s) => s.role === 'step').map((s) => s.id),
      coordinatorStepId: coordinator?.id ?? null,
    };
  };
}
