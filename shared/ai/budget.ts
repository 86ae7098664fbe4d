import type { TokenUsage } from './types';

/** A model request's worst case, held before it is sent. */
export interface HeldTokens {
  /** Charges what the provider reported and returns the rest. */
  settle(usage: TokenUsage, costUsd: number): Promise<void>;
  /** Returns everything (the request failed or timed out). */
  release(): Promise<void>;
}

/**
 * What the gateway asks before every model request: hold `tokens` (the prompt's tokens, counted, plus the maximum
 * output the request allows) for at most `holdForMs`. Throws to refuse the request (a limit or budget is reached).
 * `attempt` numbers the requests of one generate call (0 = first, 1 = the repair), so ids stay deterministic.
 */
export interface CallBudget {
  reserve(request: { attempt: number; tokens: number; holdForMs: number }): Promise<HeldTokens>;
}
