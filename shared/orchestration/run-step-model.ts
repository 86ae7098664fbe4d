import type { AgentDoc } from '../agents/agent-model';
import { itemInputs, type StepAnswers } from '../catalog/per-item';
import type { AgentInput, AgentTemplate } from '../catalog/types';
import type { AiTask, TokenUsage } from '../ai/types';
import { LimitExceededError } from '../platform/errors';
import { stepBudget } from './run-budget';
import type { RunContext } from './run-context';
import type { RunDoc, RunStep, Tokens } from './run-model';

/** What a step has spent so far (starting from what an earlier attempt recorded), written on the step at its end. */
export interface StepTally {
  tokens: Tokens;
  costUsd: number;
  modelRequests: number;
  model: string | null;
  itemCount: number;
  timings: RunStep['timings'];
}

export const tallyOf = (step: RunStep): StepTally => ({
  tokens: { ...step.tokens },
  costUsd: step.costUsd,
  modelRequests: step.modelRequests,
  model: step.model,
  itemCount: step.itemCount,
  timings: { ...step.timings },
});

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/** Adds a model call's reported usage to the tally. */
export function addUsage(tally: StepTally, usage: TokenUsage, costUsd: number): void {
  tally.tokens = {
    prompt: tally.tokens.prompt + usage.promptTokens,
    cached: tally.tokens.cached + usage.cachedPromptTokens,
    completion: tally.tokens.completion + usage.completionTokens,
  };
  tally.costUsd = round(tally.costUsd + costUsd);
}

/** The run's totals after a step moves from what it had recorded (`before`) to what `tally` holds now. */
export function runTotals(run: RunDoc, before: RunStep, tally: StepTally): Pick<RunDoc, 'tokens' | 'costUsd'> {
  return {
    tokens: {
      prompt: run.tokens.prompt + tally.tokens.prompt - before.tokens.prompt,
      cached: run.tokens.cached + tally.tokens.cached - before.tokens.cached,
      completion: run.tokens.completion + tally.tokens.completion - before.tokens.completion,
    },
    costUsd: round(run.costUsd + tally.costUsd - before.costUsd),
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Call = { run: RunDoc; step: RunStep; agent: AgentDoc; template: AgentTemplate; input: AgentInput; tier: string };

/** One generate call per input, in order, each reserved against the step's meters; a reached limit stops the loop. */
async function generateEach<I>(
  ctx: RunContext,
  call: Call,
  task: AiTask<I, unknown>,
  inputs: I[],
  tally: StepTally,
): Promise<{ outputs: unknown[] } | { stop: LimitExceededError }> {
  const { run, step, agent } = call;
  const context = `Today is ${run.asOf} (time zone ${call.input.timezone}). Settings: ${JSON.stringify(call.input.config)}.`;
  const outputs: unknown[] = [];
  for (const [batch, input] of inputs.entries()) {
    const budget = stepBudget(ctx.deps.usage(), {
      tenantId: run.tenantId,
      runId: run.id,
      stepId: step.id,
      batch,
      agent,
      runMaxTokens: ctx.deps.limits.runMaxTokens,
    });
    const started = performance.now();
    try {
      const result = await ctx.deps.gateway().generate(task, input, { tier: call.tier, context, budget });
      outputs.push(result.output);
      addUsage(tally, result.usage, result.costUsd);
      tally.modelRequests += result.requests;
      tally.model = result.model;
    } catch (err) {
      if (err instanceof LimitExceededError) return { stop: err };
      throw err;
    } finally {
      tally.timings.modelMs += Math.round(performance.now() - started);
    }
  }
  return { outputs };
}

/**
 * The model part of a step. A per-item template (its output can leave the mailbox) gets one request per chosen source
 * item, whose prompt is built from that item alone; a batch template gets its input in batches (templates that can
 * merge results) or whole. Every request is reserved against the step's meters. A limit or budget reached stops the
 * step with the error that says which; anything else is thrown.
 */
export async function callModel(
  ctx: RunContext,
  call: Call,
  tally: StepTally,
): Promise<StepAnswers | { stop: LimitExceededError }> {
  const { template, input } = call;
  if (template.generation === 'per-item') {
    const items = itemInputs(template, input);
    const answer = await generateEach(ctx, call, template.task, items, tally);
    if ('stop' in answer) return answer;
    return { generation: 'per-item', answers: answer.outputs.map((output, i) => ({ output, input: items[i]! })) };
  }
  const batches = template.merge
    ? chunk(input.mail, ctx.deps.limits.batchMaxItems).map((mail) => ({ ...input, mail }))
    : [input];
  const answer = await generateEach(ctx, call, template.task, batches, tally);
  return 'stop' in answer ? answer : { generation: 'batch', outputs: answer.outputs };
}
