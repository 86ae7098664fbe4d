import type { Run } from '../api/types';

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
