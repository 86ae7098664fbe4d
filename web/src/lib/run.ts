import type { Run } from '../api/types';
import { dateTime } from './format';

const ACTIVE = new Set<string>(['pending', 'running']);

export function isActive(run: Pick<Run, 'status'>): boolean {
  return ACTIVE.has(run.status);
}

export function totalTokens(tokens: Run['tokens']): number {
  return tokens.prompt + tokens.completion;
}

const STAGES: Record<string, string> = {
  preparing: 'Getting ready: checking limits and reading your accounts…',
  running: 'Working…',
  coordinating: 'Combining what the agents found…',
  finishing: 'Saving suggestions…',
  done: 'Done.',
};

/** Progress as a percentage (steps done of all steps) and a sentence. */
export function progressOf(run: Run): { percent?: number; message: string } {
  const { stage, completedSteps, totalSteps, currentStep } = run.progress;
  const step = run.steps.find((s) => s.id === currentStep);
  const message = step
    ? `${step.name}: working (${completedSteps} of ${totalSteps} steps done)`
    : (STAGES[stage] ?? 'Working…');
  return { percent: totalSteps > 0 ? (completedSteps / totalSteps) * 100 : undefined, message };
}

/** Why a run did not complete, in the platform's own safe words. */
export function runErrorText(run: Run): string | null {
  if (run.status === 'completed' || isActive(run)) return null;
  if (run.reason) return run.reason;
  if (run.status === 'stopped')
    return run.stopKind === 'budget'
      ? 'The run stopped because it reached its token budget.'
      : 'The run stopped because a plan limit was reached.';
  if (run.status === 'cancelled') return 'You cancelled this run.';
  if (run.status === 'failed') return 'The run failed. Try again; if it keeps failing, check your connected accounts.';
  return null;
}

const LIMIT_WORDS: Record<string, string> = {
  tokensPerMonth: "Your plan's model tokens for this month are used up.",
  runsPerDay: "Your plan's runs for today are used up.",
  agentTokensPerMonth: 'This agent reached its monthly token budget.',
  agentTokensPerRun: 'This agent reached its token budget for one run.',
  runMaxTokens: 'The run reached the most tokens one run may use.',
};

/** For a run stopped by a limit or budget: which one, in plain words, and when it starts over. */
export function stopLimitText(run: Run): string | null {
  if (run.status !== 'stopped' || !run.stopLimit) return null;
  const words = LIMIT_WORDS[run.stopLimit.name] ?? 'The run reached a limit of your plan.';
  return run.stopLimit.resetsAt ? `${words} It starts over on ${dateTime(run.stopLimit.resetsAt)}.` : words;
}
