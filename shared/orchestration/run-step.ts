import type { AgentDoc } from '../agents/agent-model';
import { getTemplate } from '../catalog/templates';
import type { AgentInput, AgentTemplate, PreviousResult } from '../catalog/types';
import { AppError } from '../platform/errors';
import { gatherInput } from './gather';
import type { RunContext, StepRequest, StepResult } from './run-context';
import type { RunDoc, RunStep } from './run-model';
import { callModel, tallyOf, type StepTally } from './run-step-model';
import { recordCompleted, recordFailed, recordStopped } from './run-step-record';
import { recordFallback, recordNothingNew } from './run-step-incremental';

async function loadAgent(ctx: RunContext, run: RunDoc, step: RunStep) {
  const agent: AgentDoc | undefined = await ctx.deps.agents().find(run.tenantId, step.agentId);
  if (!agent) throw new AppError(409, 'conflict', 'Agent missing', 'The agent of this step was deleted.');
  const template: AgentTemplate = getTemplate(agent.templateId);
  const config = template.configSchema.parse({
    ...agent.config,
    ...(run.mode === 'single' ? (run.input?.config ?? {}) : {}),
  });
  return { agent, template, config };
}

async function loadPrevious(ctx: RunContext, run: RunDoc, stepIds: string[]): Promise<PreviousResult[]> {
  const out: PreviousResult[] = [];
  for (const id of stepIds) {
    const s = run.steps.find((x) => x.id === id);
    if (!s || s.status !== 'completed' || !s.outputPath) continue;
    const raw = await ctx.deps.blobs().get(run.tenantId, s.outputPath);
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

/** Reads what the step needs (frozen in snapshots on the first attempt) and the previous steps' results. */
async function gather(
  ctx: RunContext,
  run: RunDoc,
  step: RunStep,
  template: AgentTemplate,
  config: Record<string, unknown>,
  previousStepIds: string[],
  tally: StepTally,
) {
  const profile = await ctx.deps.tenantProfile(run.tenantId);
  const started = performance.now();
  const gathered = await gatherInput(
    ctx.deps.data,
    run.tenantId,
    template,
    config,
    new Date(run.asOf),
    step.snapshots,
    {
      agentId: step.agentId,
      watermarks: ctx.deps.watermarks,
    },
  );
  tally.timings.gatherMs += Math.round(performance.now() - started);
  if (step.snapshots.length === 0 && gathered.snapshots.length > 0) {
    run = await ctx.updateStep(run.tenantId, run.id, step.id, () => ({
      snapshots: gathered.snapshots,
      watermarks: gathered.staged,
    }));
    for (const refused of gathered.fellBack) await recordFallback(ctx, run, step, refused);
  }
  const input: AgentInput = {
    now: run.asOf,
    timezone: profile.timezone,
    config,
    previous: await loadPrevious(ctx, run, previousStepIds),
    ...gathered.data,
  };
  tally.itemCount = input.mail.length + input.threads.length + input.events.length + input.documents.length;
  return { input, connectors: gathered.connectors, tier: profile.tier, run, nothingNew: gathered.nothingNew };
}

/**
 * One agent step: gather (snapshots), model (per source item for text that leaves the mailbox, batched otherwise; every
 * request reserved against the limits), propose, record.
 * A completed step is not run again; a step that reaches a limit stops with it; a failure is recorded and thrown.
 */
export function createRunStep(ctx: RunContext) {
  return async function runStep(request: StepRequest): Promise<StepResult> {
    const { tenantId, runId, stepId } = request;
    let run: RunDoc = await ctx.runs().getOrThrow(tenantId, runId);
    const step = run.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`run ${runId} has no step ${stepId}`);
    if (step.status === 'completed') return { stepId, status: 'completed' };
    if (run.cancelRequested) {
      await ctx.updateStep(tenantId, runId, stepId, () => ({
        status: 'cancelled',
        finishedAt: ctx.now().toISOString(),
      }));
      return { stepId, status: 'cancelled' };
    }
    const tally = tallyOf(step);
    try {
      const { agent, template, config } = await loadAgent(ctx, run, step);
      run = await ctx.updateStep(tenantId, runId, stepId, () => ({
        status: 'running',
        startedAt: step.startedAt ?? ctx.now().toISOString(),
        error: null,
      }));
      const read = await gather(ctx, run, step, template, config, request.previousStepIds, tally);
      run = read.run;
      if (read.nothingNew) return await recordNothingNew(ctx, run, step, tally);
      const answer = await callModel(ctx, { run, step, agent, template, input: read.input, tier: read.tier }, tally);
      if ('stop' in answer) return await recordStopped(ctx, run, step, answer.stop, tally);
      return await recordCompleted(
        ctx,
        { run, step, agent, template, input: read.input, connectors: read.connectors, answers: answer },
        tally,
      );
    } catch (err) {
      await recordFailed(ctx, run, step, err, tally);
      throw err;
    }
  };
}
