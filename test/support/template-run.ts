import type { DataSection } from '../../shared/ai/types';
import { itemInputs, proposalsOf, type StepAnswers } from '../../shared/catalog/per-item';
import type { AgentInput, AgentTemplate } from '../../shared/catalog/types';
import type { ConnectorFamily } from '../../shared/connectors/types';

/** A template's offline answers for a whole input, made as a run makes them: one per source item, or one batch. */
function offlineAnswers(template: AgentTemplate, input: AgentInput): StepAnswers {
  if (template.generation === 'per-item') {
    return {
      generation: 'per-item',
      answers: itemInputs(template, input).map((item) => ({
        output: template.task.output.parse(template.task.offline(item)),
        input: item,
      })),
    };
  }
  return { generation: 'batch', outputs: [template.task.output.parse(template.task.offline(input))] };
}

/** The step's output and proposals from the offline rules, as the run records them. */
export function offlineRun(
  template: AgentTemplate,
  input: AgentInput,
  connectors: Partial<Record<ConnectorFamily, string>>,
) {
  return proposalsOf(template, offlineAnswers(template, input), input, connectors);
}

/** The data sections of each request the run would send for the input (one list per request). */
export function requestSections(template: AgentTemplate, input: AgentInput): DataSection[][] {
  return template.generation === 'per-item'
    ? itemInputs(template, input).map((item) => template.task.sections(item))
    : [template.task.sections(input)];
}
