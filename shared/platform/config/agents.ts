import { z } from 'zod';
import { intSetting, optionalSetting } from './env';

/**
 * Agents, runs, schedules and the AI gateway. With no model configured (`AI_PROVIDER=offline`, the default) every
 * agent answers from its deterministic offline rules, so the product runs with no network.
 */
export const agentSettings = z.object({
  /** `offline` (rules, no network), `openai`, `azure-openai` (Entra token), or `compatible` (any OpenAI-compatible URL). */
  AI_PROVIDER: z.enum(['offline', 'openai', 'azure-openai', 'compatible']).default('offline'),
  /** Base URL for `openai` (optional) and `compatible` (required), e.g. http://127.0.0.1:11434/v1 for Ollama. */
  AI_BASE_URL: optionalSetting(),
  /** API key for `openai` / `compatible`. Never logged. */
  AI_API_KEY: optionalSetting(),
  /** Azure OpenAI resource endpoint, e.g. https://<name>.openai.azure.com */
  AZURE_OPENAI_ENDPOINT: optionalSetting(),
  AZURE_OPENAI_API_VERSION: z.string().default('2024-10-21'),
  /** Model (or Azure deployment) for light tasks and for the free tier. */
  AI_MODEL_SMALL: z.string().min(1).default('gpt-4o-mini'),
  /** Model (or Azure deployment) for heavier tasks on paid tiers. */
  AI_MODEL_LARGE: z.string().min(1).default('gpt-4o'),
  /** Price table overrides, JSON: {"<model>":{"input":USD per 1M,"cachedInput":…,"output":…}}. */
  AI_PRICES: optionalSetting(),
  AI_TIMEOUT_MS: intSetting(60_000),
  /** Retries after the first attempt on 429 / 5xx / timeouts. */
  AI_MAX_RETRIES: intSetting(3),
  /** Longest wait between retries, even when the server's retry-after asks for more. */
  AI_MAX_RETRY_DELAY_MS: intSetting(20_000),
  /**
   * Longest answer a model request may give, in tokens: every request sets it, so a reservation (prompt tokens +
   * this) bounds what the call can use. `AI_TASK_MAX_OUTPUT_TOKENS` sets it per task, JSON: {"inbox-triage":3000}.
   */
  AI_MAX_OUTPUT_TOKENS: intSetting(4_000),
  AI_TASK_MAX_OUTPUT_TOKENS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return {};
      const parsed = z.record(z.string(), z.number().int().min(1)).safeParse(
        (() => {
          try {
            return JSON.parse(v);
          } catch {
            return undefined;
          }
        })(),
      );
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'expected JSON: {"<task id>": <max output tokens>}' });
      return z.NEVER;
    }),
  /** Items (messages, events, documents) per model request; a step sends ceil(n / this) requests. */
  AI_BATCH_MAX_ITEMS: intSetting(100),
  /** Upper bound of tokens a single run may use, whatever the agent's own budget. */
  RUN_MAX_TOKENS: intSetting(400_000),
  /** A missed schedule slot younger than this still runs once after downtime; older ones are skipped. */
  SCHEDULE_CATCH_UP_MINUTES: intSetting(60),
  /** Workflow size limit (steps). */
  WORKFLOW_MAX_STEPS: intSetting(10),
});
