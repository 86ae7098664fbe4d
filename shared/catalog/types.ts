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

export interface ProposalContext<I = AgentInput> {
  input: I;
  /** The connector used per family for this step. */
  connectors: Partial<Record<ConnectorFamily, string>>;
}

/** The kinds of source item a per-item template answers, by the field of `AgentInput` that holds them. */
export interface SourceItems {
  mail: AgentMail;
  threads: AgentThread;
  documents: AgentDocument;
}
export type SourceField = keyof SourceItems;

/**
 * What one per-item model request sees: its one source item and the person's settings. Nothing else can reach the
 * prompt: not the other items read by the step, not the results of earlier steps (model text about other items).
 */
export interface ItemInput<C = Record<string, unknown>, T = unknown> {
  now: string;
  timezone: string;
  account?: string;
  config: C;
  item: T;
  /** An earlier step of the workflow picked this item (e.g. triage said it needs a reply); decided in code. */
  pickedByEarlierStep: boolean;
}

/** Which source items are worth a request, decided in code over everything the step read. */
export interface ItemChoice {
  ids: Set<string>;
  /** True when earlier steps' results made the choice. */
  byEarlierSteps: boolean;
}

interface TemplateInfo<C> {
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
}

/**
 * A template whose output stays in the app or touches no free text (labels, archive, digests, briefs): its requests
 * may hold many items at once (batches of mail for templates that can merge results).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalog holds templates of every config and output type
export interface BatchTemplate<C = any, O = any> extends TemplateInfo<C> {
  generation: 'batch';
  task: AiTask<AgentInput<C>, O>;
  /** For list-shaped outputs: results of several batches of mail joined into one. */
  merge?(outputs: O[]): O;
  propose(output: O, context: ProposalContext): Proposal[];
  /** One line for the run's step list. */
  summarize(output: O): string;
}

/**
 * A template whose output can leave the mailbox (a reply, a follow-up, a document): the run makes one model request
 * per source item, whose input holds only that item (`ItemInput`), and proposes from each answer with only that
 * item in reach. So a model fooled by one message cannot copy another message into its answer, nor point at it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalog holds templates of every config and output type
export interface PerItemTemplate<C = any, O = any, F extends SourceField = SourceField> extends TemplateInfo<C> {
  generation: 'per-item';
  /** Which gathered items are the sources: one request each. */
  source: F;
  /** Which of them get a request (undefined: all), decided in code over everything the step read. */
  choose?(input: AgentInput<C>): ItemChoice | undefined;
  task: AiTask<ItemInput<C, SourceItems[F]>, O>;
  /** The answers of every item joined into the step's one output. */
  merge(outputs: O[]): O;
  propose(output: O, context: ProposalContext<ItemInput<C, SourceItems[F]>>): Proposal[];
  /** One line for the run's step list. */
  summarize(output: O): string;
}

/** A built-in agent archetype. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalog holds templates of every config and output type
export type AgentTemplate<C = any, O = any> = BatchTemplate<C, O> | PerItemTemplate<C, O, any>;
