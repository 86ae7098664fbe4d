import type { z } from 'zod';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Tokens as reported by the provider's `usage` (or estimated by the offline provider). */
export interface TokenUsage {
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

export interface ModelRequest {
  model: string;
  messages: ChatMessage[];
  /** JSON schema the answer must follow (structured outputs). */
  schemaName: string;
  jsonSchema: Record<string, unknown>;
  /** Longest answer allowed (tokens); always set by the gateway, so a reservation is a true bound. */
  maxOutputTokens: number;
}

export interface ModelResponse {
  content: string;
  usage: TokenUsage;
  /** The model that answered, as the provider names it. */
  model: string;
}

/** One chat-completion backend. Errors carry `status` and `retryAfterMs` when the server sent them. */
export interface ModelProvider {
  readonly name: string;
  complete(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse>;
}

/** A section of untrusted data (mail, event, document text) placed after the static instructions. */
export interface DataSection {
  kind: string;
  id: string;
  /** Short attributes shown in the section header (from, date, title…). */
  attributes?: Record<string, string | number | boolean | undefined>;
  text: string;
}

export type ModelClass = 'small' | 'large';

/**
 * One AI task (STYLE habit 4): its static prompt, its output schema, how its input becomes data sections, and the
 * offline rules that produce the same structured output without a model.
 */
export interface AiTask<I, O> {
  id: string;
  promptVersion: string;
  modelClass: ModelClass;
  /** Static instructions; they form the prompt prefix, identical across runs so provider prompt caching applies. */
  instructions: string;
  output: z.ZodType<O>;
  /** The task's input as data sections (untrusted). */
  sections(input: I): DataSection[];
  /** Deterministic rules giving an answer of the same shape. */
  offline(input: I): O;
}

export interface GenerateResult<O> {
  output: O;
  usage: TokenUsage;
  costUsd: number;
  model: string;
  /** Model requests made (including the repair attempt and retries). */
  requests: number;
}
