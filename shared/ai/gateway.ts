import { z } from 'zod';
import { retryAfterMs, retryDelayMs, sleep } from '../platform/retry';
import type { CallBudget, HeldTokens } from './budget';
import { StructuredOutputError, ModelUnavailableError, isRetryable, type ProviderFailure } from './errors';
import type { PriceTable } from './pricing';
import { buildMessages } from './prompt';
import { countPromptTokens } from './token-count';
import type { AiTask, ChatMessage, GenerateResult, ModelClass, ModelProvider, TokenUsage } from './types';
import { plural } from '../platform/words';

export interface AiGatewayOptions {
  /** Undefined = the offline provider (deterministic rules, no network). */
  provider?: ModelProvider;
  models: Record<ModelClass, string>;
  prices: PriceTable;
  timeoutMs: number;
  maxRetries: number;
  maxRetryDelayMs: number;
  /** Longest answer of every request, in tokens: a default and per-task overrides (by task id). */
  maxOutputTokens: { default: number; perTask?: Record<string, number> };
  /** Injected for tests; real timers by default. */
  sleep?: (ms: number) => Promise<void>;
}

export interface GenerateOptions {
  /** The tenant's tier: the free tier always uses the small model. */
  tier: string;
  /** A short, non-secret line placed before the data (date, time zone, what to focus on). */
  context: string;
  /** Holds each request's worst case before it is sent and settles it after (limits and budgets). */
  budget?: CallBudget;
}

const OFFLINE_MODEL = 'offline';

/** Rough token estimate (4 characters per token) used for offline accounting and budgets. */
const estimateTokens = (text: string) => Math.ceil(text.length / 4);

const schemaCache = new WeakMap<object, string>();
function schemaText(schema: z.ZodType): string {
  let text = schemaCache.get(schema);
  if (!text) {
    text = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
    schemaCache.set(schema, text);
  }
  return text;
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    cachedPromptTokens: a.cachedPromptTokens + b.cachedPromptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
  };
}

function parseAnswer<O>(
  schema: z.ZodType<O>,
  content: string,
): { ok: true; value: O } | { ok: false; problem: string } {
  let json: unknown;
  try {
    const trimmed = content
      .trim()
      .replace(/^```(?:json)?\s*/i, '')
      .replace(/```$/, '');
    json = JSON.parse(trimmed);
  } catch {
    return { ok: false, problem: 'The answer was not valid JSON.' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, problem: `The answer did not match the schema: ${issues.join('; ')}` };
}

/**
 * The one way agents call a model: routing by tier and task, structured outputs validated with zod (one repair
 * attempt), retries with backoff that honour retry-after, timeouts, token accounting and cost.
 */
export interface AiGateway {
  /** True without a model provider: tasks answer with their deterministic offline rules. */
  readonly offline: boolean;
  /** The model a task uses for a tier: free tier → small; otherwise the task's class. */
  route(task: { modelClass: ModelClass }, tier: string): string;
  /** The longest answer a task's requests allow (tokens). */
  maxOutputTokens(task: { id: string }): number;
  /** How long one request may take at most, retries and their waits included: how long its reservation lives. */
  readonly longestRequestMs: number;
  /** The prompt a task sends for an input (also used by the benchmark to count tokens). */
  messagesFor<I, O>(task: AiTask<I, O>, input: I, context: string): ChatMessage[];
  /** Runs a task on an input: its validated output, the tokens it used and what they cost. */
  generate<I, O>(task: AiTask<I, O>, input: I, options: GenerateOptions): Promise<GenerateResult<O>>;
}

/** The gateway over `config.provider` (the offline rules without one); `createAiGateway` builds it from the settings. */
export function createGateway(config: AiGatewayOptions): AiGateway {
  const wait = config.sleep ?? sleep;
  const offline = !config.provider;
  const longestRequestMs =
    config.timeoutMs * (config.maxRetries + 1) + config.maxRetryDelayMs * config.maxRetries + 60_000;

  function route(task: { modelClass: ModelClass }, tier: string): string {
    if (offline) return OFFLINE_MODEL;
    return config.models[tier === 'free' ? 'small' : task.modelClass];
  }

  function maxOutputTokensOf(task: { id: string }): number {
    return config.maxOutputTokens.perTask?.[task.id] ?? config.maxOutputTokens.default;
  }

  function messagesFor<I, O>(task: AiTask<I, O>, input: I, context: string): ChatMessage[] {
    return buildMessages(task.instructions, schemaText(task.output), context, task.sections(input));
  }

  async function generate<I, O>(task: AiTask<I, O>, input: I, options: GenerateOptions): Promise<GenerateResult<O>> {
    const messages = messagesFor(task, input, options.context);
    const provider = config.provider;
    const maxOutputTokens = maxOutputTokensOf(task);
    if (!provider) {
      // The offline rules count in estimated tokens, and budgets apply to them the same way.
      const promptTokens = estimateTokens(messages.map((m) => m.content).join('\n'));
      const held = await options.budget?.reserve({
        attempt: 0,
        tokens: promptTokens + maxOutputTokens,
        holdForMs: longestRequestMs,
      });
      let output: O;
      try {
        output = task.output.parse(task.offline(input));
      } catch (err) {
        await held?.release();
        throw err;
      }
      const usage = { promptTokens, cachedPromptTokens: 0, completionTokens: estimateTokens(JSON.stringify(output)) };
      await held?.settle(usage, 0);
      return { output, usage, costUsd: 0, model: OFFLINE_MODEL, requests: 0 };
    }

    const model = route(task, options.tier);
    const jsonSchema = JSON.parse(schemaText(task.output)) as Record<string, unknown>;
    let usage: TokenUsage = { promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
    let requests = 0;
    let answeredBy = model;
    let conversation = messages;
    for (let attempt = 0; attempt < 2; attempt++) {
      let held: HeldTokens | undefined;
      if (options.budget) {
        const tokens = (await countPromptTokens(conversation)) + maxOutputTokens;
        held = await options.budget.reserve({ attempt, tokens, holdForMs: longestRequestMs });
      }
      const sent = conversation;
      let response: Awaited<ReturnType<ModelProvider['complete']>>;
      try {
        response = await withRetries(provider, () => {
          requests++;
          return {
            model,
            messages: sent,
            schemaName: task.id.replace(/[^\w-]/g, '_'),
            jsonSchema,
            maxOutputTokens,
          };
        });
      } catch (err) {
        await held?.release();
        throw err;
      }
      await held?.settle(response.usage, config.prices.cost(response.model, response.usage));
      usage = addUsage(usage, response.usage);
      answeredBy = response.model;
      const parsed = parseAnswer(task.output, response.content);
      if (parsed.ok) {
        return {
          output: parsed.value,
          usage,
          costUsd: config.prices.cost(answeredBy, usage),
          model: answeredBy,
          requests,
        };
      }
      // One repair attempt: show the model its answer and what was wrong with it.
      conversation = [
        ...messages,
        { role: 'assistant', content: response.content.slice(0, 20_000) },
        { role: 'user', content: `${parsed.problem}\nAnswer again with only the corrected JSON object.` },
      ];
    }
    const error = new StructuredOutputError(task.id);
    (error as StructuredOutputError & { usage?: TokenUsage; costUsd?: number }).usage = usage;
    (error as StructuredOutputError & { costUsd?: number }).costUsd = config.prices.cost(answeredBy, usage);
    throw error;
  }

  async function withRetries(provider: ModelProvider, request: () => Parameters<ModelProvider['complete']>[0]) {
    for (let retry = 0; ; retry++) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('model request timed out')), config.timeoutMs);
      try {
        return await provider.complete(request(), controller.signal);
      } catch (err) {
        const failure = err as ProviderFailure;
        if (controller.signal.aborted) failure.message = `timed out after ${config.timeoutMs} ms`;
        if (!isRetryable(failure) || retry >= config.maxRetries) {
          const what = failure.status
            ? `status ${failure.status}`
            : controller.signal.aborted
              ? 'a timeout'
              : 'a connection error';
          throw new ModelUnavailableError(
            `The AI model did not answer (${what}) after ${plural(retry + 1, 'attempt', 'attempts')}. Try again later.`,
          );
        }
        const backoff = { baseDelayMs: 500, maxDelayMs: config.maxRetryDelayMs };
        await wait(retryDelayMs(backoff, retry, retryAfterMs(failure.headers)));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  return { offline, route, maxOutputTokens: maxOutputTokensOf, longestRequestMs, messagesFor, generate };
}
