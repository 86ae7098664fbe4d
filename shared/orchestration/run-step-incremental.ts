import type { WatermarkSource } from '../events/watermarks';
import { auditSource, type RunContext, type StepResult } from './run-context';
import type { RunDoc, RunStep } from './run-model';
import type { StepTally } from './run-step-model';

/** Said on a step that found nothing new since its agent's last completed run. */
const NOTHING_NEW = 'Nothing new since the last run.';

/** The step read nothing new: it completes without a model call, tokens or suggestions, and says so. */
export async function recordNothingNew(
  ctx: RunContext,
  run: RunDoc,
  step: RunStep,
  tally: StepTally,
): Promise<StepResult> {
  await ctx.updateStep(run.tenantId, run.id, step.id, () => ({
    status: 'completed',
    finishedAt: ctx.now().toISOString(),
    ...tally,
    itemCount: 0,
    summary: NOTHING_NEW,
    suggestionIds: [],
  }));
  await ctx.deps.audit().record({
    tenantId: run.tenantId,
    actor: { type: 'agent', id: step.agentId, name: step.name },
    action: 'agent.run.step.completed',
    target: { type: 'run', id: run.id },
    outcome: 'success',
    source: auditSource(run),
    correlationId: run.correlationId ?? undefined,
    summary: `${step.name}: ${NOTHING_NEW}`,
  });
  return { stepId: step.id, status: 'completed' };
}

/**
 * The provider refused the agent's saved position: the step read its full window instead (once: the new position
 * is staged with it). Noted on the connected account, where the person sees it, and audited.
 */
export async function recordFallback(
  ctx: RunContext,
  run: RunDoc,
  step: RunStep,
  refused: { connectorId: string; source: WatermarkSource; reason: string },
): Promise<void> {
  await ctx.deps.watermarks().fellBack(run.tenantId, refused.connectorId, {
    agentId: step.agentId,
    source: refused.source,
    reason: refused.reason,
  });
  await ctx.deps.audit().record({
    tenantId: run.tenantId,
    actor: { type: 'agent', id: step.agentId, name: step.name },
    action: 'agent.watermark.fallback',
    target: { type: 'connector', id: refused.connectorId },
    outcome: 'failure',
    source: auditSource(run),
    correlationId: run.correlationId ?? undefined,
    summary: `${step.name} read its full window again: ${refused.reason}`.slice(0, 500),
  });
}
