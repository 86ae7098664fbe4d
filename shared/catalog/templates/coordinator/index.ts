import type { BatchTemplate } from '../../types';
import { localDate } from '../rules';
import { coordinatorOffline } from './offline';
import { COORDINATOR_INSTRUCTIONS, COORDINATOR_PROMPT_VERSION } from './prompt';
import { coordinatorConfig, coordinatorOutput, type CoordinatorConfig, type CoordinatorOutput } from './schema';

export const coordinator: BatchTemplate<CoordinatorConfig, CoordinatorOutput> = {
  id: 'coordinator',
  name: 'Coordinator',
  description: 'Merges the results of agents that ran in parallel into one summary.',
  families: [],
  scopes: {},
  configSchema: coordinatorConfig,
  suggestionKinds: ['task'],
  defaultModelClass: 'small',
  promptVersion: COORDINATOR_PROMPT_VERSION,
  coordinator: true,
  needs: () => ({}),
  generation: 'batch',
  task: {
    id: 'coordinator',
    promptVersion: COORDINATOR_PROMPT_VERSION,
    modelClass: 'small',
    instructions: COORDINATOR_INSTRUCTIONS,
    output: coordinatorOutput,
    sections: (input) =>
      input.previous.map((p) => ({
        kind: 'result',
        id: p.stepId,
        attributes: { agent: p.name, summary: p.summary },
        text: JSON.stringify(p.output).slice(0, 20_000),
      })),
    offline: coordinatorOffline,
  },
  propose(output, { input }) {
    const notes = [output.summary, '', ...output.highlights.map((h) => `- ${h}`)].join('\n').slice(0, 20_000);
    return [
      {
        kind: 'task',
        payload: {
          title: `${(input.config as CoordinatorConfig).title}, ${localDate(input.now, input.timezone)}`.slice(0, 500),
          notes,
        },
        rationale: 'Merged results of the workflow.',
        sources: [],
      },
    ];
  },
  summarize: (output) => output.summary.slice(0, 300),
};
