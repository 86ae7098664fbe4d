import type { z } from 'zod';
import type { AiTask, ModelClass } from '../ai/types';
import type { CalendarEvent, ConnectorFamily, MailSummary, ProviderName } from '../connectors/types';
import type { Proposal, SuggestionKind } from '../suggestions/kinds';

/** A mail message as agents see it: the summary plus, when read, a bounded plain-text body. */
export interface AgentMail extends MailSummary {
  text?: string;
}

/** A sent-mail thread (for follow-ups): oldest message first. */
export interface AgentThread {
  id: string;
  subject: string;
  messages: MailSummary[];
}

export interface AgentDocument {
  id: string;
  name: string;
  modifiedAt: string;
  text: string;
}

/** What an earlier workflow step produced, handed to the next step or to the coordinator. */
export interface PreviousResult {
  stepId: string;
  agentId: string;
  templateId: string;
  name: string;
  summary: string;
  output: unknown;
}

/** Everything one agent step reads; assembled from connector snapshots, never fetched again on replay. */
export interface AgentInput<C = Record<string, unknown>> {
  /** ISO instant the run started (the schedule slot for scheduled runs). */
  now: string;
  timezone: string;
  /** The person's mail address on the mail connector, when known. */
  account?: string;
  config: C;
  mail: AgentMail[];
  threads: AgentThread[];
  events: CalendarEvent[];
  documents: AgentDocument[];
  previous: PreviousResult[];
}

/** What a template asks the run to gather before calling the model. */
export interface InputNeeds {
  mail?: { lookbackHours: number; max: number; label?: string; withText?: boolean };
  threads?: { lookbackHours: number; max: number; label: string };
  calendar?: { hoursAhead: number; max: number };
  files?: { ids: string[]; text?: string; max: number };
}

export interface ProposalContext {
  input: AgentInput;
  /** The connector used per family for this step. */
  connectors: Partial<Record<ConnectorFamily, string>>;
}

/** A built-in agent archetype. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalog holds templates of every config and output type
export interface AgentTemplate<C = any, O = any> {
  id: string;
  name: string;
  description: string;
  /** Families it reads; `required` ones must be connected for a run. */
  families: { family: ConnectorFamily; required: boolean }[];
  /** OAuth scopes it needs per provider. */
  scopes: Partial<Record<ProviderName, string[]>>;
  configSchema: z.ZodType<C>;
  suggestionKinds: SuggestionKind[];
  defaultModelClass: ModelClass;
  promptVersion: string;
  /** True for the coordinator: reads the other steps' results, not connectors. */
  coordinator?: boolean;
  needs(config: C): InputNeeds;
  task: AiTask<AgentInput<C>, O>;
  /** For list-shaped outputs: results of several batches of mail joined into one. */
  merge?(outputs: O[]): O;
  propose(output: O, context: ProposalContext): Proposal[];
  /** One line for the run's step list. */
  summarize(output: O): string;
}
