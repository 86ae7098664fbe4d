import { z } from 'zod';

/**
 * What an agent may propose. Every external action starts as one of these suggestions; nothing reaches the outside
 * world until the person approves it. Payloads are typed per kind and validated again when edited before approval.
 */
const emailAddress = z.string().trim().email().max(320);

const emailReplyPayload = z.object({
  connectorId: z.string().min(1),
  /** Provider id of the message being answered. */
  messageId: z.string().min(1),
  threadId: z.string().min(1),
  to: z.array(emailAddress).min(1).max(50),
  cc: z.array(emailAddress).max(50).default([]),
  subject: z.string().max(998),
  /** Plain-text body. */
  body: z.string().min(1).max(100_000),
});

const emailLabelPayload = z.object({
  connectorId: z.string().min(1),
  messageIds: z.array(z.string().min(1)).min(1).max(500),
  /** Label / category names to add. */
  labels: z.array(z.string().min(1).max(100)).min(1).max(20),
});

const emailArchivePayload = z.object({
  connectorId: z.string().min(1),
  messageIds: z.array(z.string().min(1)).min(1).max(500),
});

const calendarCreatePayload = z.object({
  connectorId: z.string().min(1),
  title: z.string().min(1).max(500),
  /** ISO date-time with offset. */
  start: z.string().datetime({ offset: true }),
  end: z.string().datetime({ offset: true }),
  /** IANA time zone the event is shown in. */
  timeZone: z.string().min(1).max(64),
  attendees: z.array(emailAddress).max(100).default([]),
  location: z.string().max(500).optional(),
  description: z.string().max(20_000).optional(),
});

const docCreatePayload = z.object({
  connectorId: z.string().min(1),
  title: z.string().min(1).max(500),
  /** Plain text / Markdown content of the document. */
  content: z.string().max(500_000),
  folderId: z.string().optional(),
});

const notionPagePayload = z.object({
  connectorId: z.string().min(1),
  parentPageId: z.string().optional(),
  title: z.string().min(1).max(500),
  content: z.string().max(200_000),
});

/** A note for the person; approving it records it, it touches no external system. */
const taskPayload = z.object({
  title: z.string().min(1).max(500),
  notes: z.string().max(20_000).optional(),
  due: z.string().datetime({ offset: true }).optional(),
});

export const SUGGESTION_PAYLOADS = {
  'email.reply': emailReplyPayload,
  'email.draft': emailReplyPayload,
  'email.label': emailLabelPayload,
  'email.archive': emailArchivePayload,
  'calendar.create': calendarCreatePayload,
  'doc.create': docCreatePayload,
  'notion.page': notionPagePayload,
  task: taskPayload,
} as const;

export type SuggestionKind = keyof typeof SUGGESTION_PAYLOADS;
const suggestionKinds = Object.keys(SUGGESTION_PAYLOADS) as [SuggestionKind, ...SuggestionKind[]];
export const suggestionKindSchema = z.enum(suggestionKinds);

export type SuggestionPayload<K extends SuggestionKind> = z.infer<(typeof SUGGESTION_PAYLOADS)[K]>;

/**
 * Where a suggestion's idea came from (shown to the person; content from these is untrusted). A message keeps only
 * what its list row and dialog show without asking the account (sender, subject as `title`, date): never its body,
 * which the dialog reads live from the account.
 */
export const suggestionSource = z.object({
  type: z.enum(['message', 'thread', 'event', 'document', 'page', 'run']),
  id: z.string().min(1),
  title: z.string().max(500).optional(),
  connectorId: z.string().optional(),
  /** The message's sender. */
  from: z.object({ name: z.string().max(200).optional(), email: z.string().max(320) }).optional(),
  /** When the message was received (ISO date-time). */
  date: z.string().datetime({ offset: true }).optional(),
});
export type SuggestionSource = z.infer<typeof suggestionSource>;

/**
 * What the person should look at twice. A `blocking` flag means the proposal may have been steered by what it read
 * (or carries data that must not leave): it cannot be approved in bulk or from an email link, only after opening it
 * in the app, where the flag is explained.
 */
export const riskFlagSchema = z.object({
  code: z.string().min(1).max(60),
  /** One sentence for the person. */
  message: z.string().max(500),
  blocking: z.boolean().optional(),
});
export type RiskFlag = z.infer<typeof riskFlagSchema>;

/** What an agent run hands to the suggestion service: one proposed action. */
export const proposalSchema = z.discriminatedUnion(
  'kind',
  suggestionKinds.map((kind) =>
    z.object({
      kind: z.literal(kind),
      payload: SUGGESTION_PAYLOADS[kind],
      /** Why the agent proposes this, in one or two sentences. */
      rationale: z.string().min(1).max(2000),
      sources: z.array(suggestionSource).max(50).default([]),
      /** 0..1, the agent's confidence. */
      confidence: z.number().min(0).max(1).optional(),
      /** Shorter wait for a decision than the default (e.g. a reply that only makes sense today). */
      expiresInSeconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 86_400)
        .optional(),
      /** Flags the run found by checking the proposal against what it read (never written by the model). */
      riskFlags: z.array(riskFlagSchema).max(20).optional(),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

export type Proposal = {
  [K in SuggestionKind]: {
    kind: K;
    payload: SuggestionPayload<K>;
    rationale: string;
    sources: z.infer<typeof suggestionSource>[];
    confidence?: number;
    expiresInSeconds?: number;
    riskFlags?: RiskFlag[];
  };
}[SuggestionKind];

/** Provenance of a batch of proposals, recorded on each suggestion. */
export interface ProposalOrigin {
  tenantId: string;
  runId: string;
  /**
   * The step of the run that proposes (workflow runs have several, parallel ones at once). Each step's proposals get
   * their own ids, and the person hears about them once, when the run ends. Without it, a batch is notified at once.
   */
  stepId?: string;
  agentId: string;
  templateId: string;
  promptVersion: string;
  model: string;
  correlationId?: string;
}

/** The port agent runs use to hand over proposed actions. Implemented by the suggestion service. */
export interface SuggestionSink {
  /**
   * Stores the proposals as pending suggestions and returns the ids of this run's. Idempotent by (agent, kind, source
   * items): what an earlier run already proposed about the same items is not proposed again (nor returned).
   */
  propose(origin: ProposalOrigin, proposals: Proposal[]): Promise<string[]>;
}
