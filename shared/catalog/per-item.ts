import type { ConnectorFamily } from '../connectors/types';
import type { Proposal } from '../suggestions/kinds';
import type { AgentInput, AgentTemplate, ItemInput, PerItemTemplate, SourceField, SourceItems } from './types';

/**
 * The inputs of a per-item template's requests: one per chosen source item, each holding only that item and the
 * person's settings. The only way the run builds what a per-item prompt sees.
 */
export function itemInputs<C, O, F extends SourceField>(
  template: PerItemTemplate<C, O, F>,
  input: AgentInput<C>,
): ItemInput<C, SourceItems[F]>[] {
  const choice = template.choose?.(input);
  const items = input[template.source] as SourceItems[F][];
  return items
    .filter((item) => !choice || choice.ids.has(item.id))
    .map((item) => ({
      now: input.now,
      timezone: input.timezone,
      ...(input.account ? { account: input.account } : {}),
      config: input.config,
      item,
      pickedByEarlierStep: choice?.byEarlierSteps ?? false,
    }));
}

/**
 * What the model answered for a step. A batch template's answers cover many items each; a per-item template's
 * answers each come with the one item input they were generated from (proposals are made against that alone).
 */
export type StepAnswers =
  | { generation: 'batch'; outputs: unknown[] }
  | { generation: 'per-item'; answers: { output: unknown; input: ItemInput }[] };

/**
 * The step's one output and its proposals. A per-item template proposes from each answer with only the item it was
 * generated from in reach (an id the model wrote for another item finds nothing); a batch template from the joined
 * output and the whole input.
 */
export function proposalsOf(
  template: AgentTemplate,
  answers: StepAnswers,
  input: AgentInput,
  connectors: Partial<Record<ConnectorFamily, string>>,
): { output: unknown; proposed: Proposal[] } {
  if (template.generation === 'per-item') {
    if (answers.generation !== 'per-item') throw new Error(`${template.id} answers one item per request`);
    return {
      output: template.merge(answers.answers.map((a) => a.output)),
      proposed: answers.answers.flatMap((a) => template.propose(a.output, { input: a.input, connectors })),
    };
  }
  if (answers.generation !== 'batch') throw new Error(`${template.id} answers in batches`);
  const { outputs } = answers;
  const output = template.merge && outputs.length > 1 ? template.merge(outputs) : outputs[0];
  return { output, proposed: template.propose(output, { input, connectors }) };
}
