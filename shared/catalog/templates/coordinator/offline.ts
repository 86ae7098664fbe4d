import type { AgentInput } from '../../types';
import type { CoordinatorConfig, CoordinatorOutput } from './schema';

/** Deterministic merge: each step's own summary, in step order. */
export function coordinatorOffline(input: AgentInput<CoordinatorConfig>): CoordinatorOutput {
  return {
    summary: input.previous.length
      ? input.previous
          .map((p) => `${p.name}: ${p.summary}`)
          .join(' ')
          .slice(0, 3000)
      : 'No results to merge.',
    highlights: input.previous.map((p) => `${p.name}: ${p.summary}`.slice(0, 400)).slice(0, 15),
  };
}
