import type { Run } from '../api/types';

export const ACTIVE = new Set(['pending', 'running', 'cancelling', 'queued']);

export function isActive(run: Pick<Run, 'status'>): boolean {
  return ACTIVE.has(run.status);
}

export function runCost(run: Run): number | undefined {
  return run.costUsd ?? run.cost;
}

export function progressOf(run: Run): { percent?: number; message?: string } {
  const p = run.progress;
  if (typeof p === 'number') return { percent: p <= 1 ? p * 100 : p };
  if (p && typeof p === 'object') {
    const percent = typeof p.percent === 'number' ? p.percent : undefined;
    return { percent, message: p.message ?? p.step };
  }
  return {};
}

/** The failure in plain words; codes the platform uses map to sentences a person understands. */
const ERROR_WORDS: Record<string, string> = {
  limit_exceeded: 'Your plan limit for this period was reached, so the run stopped.',
  budget_exceeded: 'The run would have cost more than your budget allows, so it stopped.',
  connector_needs_reauth: 'A connected account needs reconnecting before the agent can read it.',
  connector_missing: 'The agent needs an account you have not connected yet.',
  model_unavailable: 'The AI model was not available. Try again in a few minutes.',
  timeout: 'The run took too long and was stopped.',
  cancelled: 'You cancelled this run.',
};

export function runErrorText(run: Run): string | null {
  const e = run.error;
  if (!e) return null;
  if (typeof e === 'string') return ERROR_WORDS[e] ?? e;
  return (e.code && ERROR_WORDS[e.code]) || e.message;
}
