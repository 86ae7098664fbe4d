import type { AgentDoc } from '../agents/agent-model';
import { checkAgainstSources } from '../catalog/source-risk';
import type { AgentInput, AgentTemplate } from '../catalog/types';
import type { ConnectorFamily } from '../connectors/types';
import { auditSource, failureCauseOf, safeReason, stopOf, type RunContext, type StepResult } from './run-context';
import type { LimitExceededError } from '../platform/errors';
import type { TokenUsage } from '../ai/types';
import { addUsage, runTotals, type StepTally } from './run-step-model';
import { proposalsOf, type StepAnswers } from '../catalog/per-item';
import type { RunDoc, RunStep } from './run-model';
import { plural } from '../platform/words';

/** Proposals, the output blob, the completed step on the run, the audit line. */
export async function recordCompleted(
  ctx: RunContext,
  done: {
    run: RunDoc;
    step: RunStep;
    agent: AgentDoc;
    template: AgentTemplate;
    input: AgentInput;
    connectors: Partial<Record<ConnectorFamily, string>>;
    answers: StepAnswers;
  },
  tally: StepTally,
): Promise<StepResult> {
  const { run, step, agent, template } = done;
  const { tenantId, id: runId } = run;
  const { output, proposed } = proposalsOf(template, done.answers, done.input, done.connectors);
  const summary = template.summarize(output);
  // Checked in code against everything the step read: the model may have been fooled by it.
  const proposals = checkAgainstSources(proposed, done.input);
  const suggestionIds = proposals.length
    ? await ctx.deps.suggestions().propose(
        {
          tenantId,
          runId,
          stepId: step.id,
          agentId: agent.id,
          templateId: template.id,
          promptVersion: template.promptVersion,
          model: tally.model ?? 'offline',
          correlationId: run.correlationId ?? undefined,
        },
        proposals,
      )
    : [];
  const outputPath = `runs/${runId}/${step.id}.json`;
  await ctx.deps.blobs().put(tenantId, outputPath, JSON.stringify(output), 'application/json');
  await ctx.updateStep(
    tenantId,
    runId,
    step.id,
    () => ({
      status: 'completed',
      finishedAt: ctx.now().toISOString(),
      ...tally,
      summary,
      suggestionIds,
      outputPath,
    }),
    (r) => ({
      ...runTotals(r, step, tally),
      suggestionIds: [...new Set([...r.suggestionIds, ...suggestionIds])],
    }),
  );
  await ctx.deps.audit().record({
    tenantId,
    actor: { type: 'agent', id: agent.id, name: agent.name },
    action: 'agent.run.step.completed',
    target: { type: 'run', id: runId },
    outcome: 'success',
    source: auditSource(run),
    correlationId: run.correlationId ?? undefined,
    summary:
      `${agent.name} read ${plural(tally.itemCount, 'item', 'items')} and proposed ${plural(suggestionIds.length, 'suggestion', 'suggestions')}: ${summary}`.slice(
        0,
        500,
      ),
    after: { stepId: step.id, tokens: tally.tokens, costUsd: tally.costUsd, model: tally.model, suggestionIds },
  });
  return { stepId: step.id, status: 'completed' };
}

/** The step reached a limit or budget: it stops, says which and when it resets; earlier results stay. */
export async function recordStopped(
  ctx: RunContext,
  run: RunDoc,
  step: RunStep,
  reached: LimitExceededError,
  tally: StepTally,
): Promise<StepResult> {
  const stop = stopOf(reached);
  await ctx.updateStep(
    run.tenantId,
    run.id,
    step.id,
    () => ({ status: 'stopped', error: stop.reason, finishedAt: ctx.now().toISOString(), ...tally }),
    (r) => ({ stopKind: stop.kind, stopLimit: stop.limit ?? null, reason: stop.reason, ...runTotals(r, step, tally) }),
  );
  return { stepId: step.id, status: 'stopped' };
}

/** The step failed: its safe reason and what it spent go on the run (best effort), and an audit line. */
export async function recordFailed(
  ctx: RunContext,
  run: RunDoc,
  step: RunStep,
  err: unknown,
  tally: StepTally,
): Promise<void> {
  const reason = safeReason(err);
  // A model answer that stayed unusable after the repair attempt still cost tokens (already settled on the meters).
  const extra = err as { usage?: TokenUsage; costUsd?: number };
  if (extra.usage) addUsage(tally, extra.usage, extra.costUsd ?? 0);
  await ctx
    .updateStep(
      run.tenantId,
      run.id,
      step.id,
      () => ({ status: 'failed', error: reason, finishedAt: ctx.now().toISOString(), ...tally }),
      (r) => ({ reason, failureCause: failureCauseOf(err), ...runTotals(r, step, tally) }),
    )
    .catch(() => undefined);
  await ctx.deps
    .audit()
    .record({
      tenantId: run.tenantId,
      actor: { type: 'agent', id: step.agentId, name: step.name },
      action: 'agent.run.step.failed',
      target: { type: 'run', id: run.id },
      outcome: 'failure',
      source: auditSource(run),
      correlationId: run.correlationId ?? undefined,
      summary: `${step.name} failed: ${reason}`.slice(0, 500),
    })
    .catch(() => undefined);
}
