import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { riskFlagSchema, suggestionKindSchema, suggestionSource, type RiskFlag, type SuggestionKind } from './kinds';

/** Where a suggestion is in its life; the moves between these are in `lifecycle.ts`. */
export const SUGGESTION_STATUSES = [
  'pending',
  'approved',
  'executing',
  'executed',
  'failed',
  'rejected',
  'expired',
  'undone',
] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];
export const suggestionStatusSchema = z.enum(SUGGESTION_STATUSES);

/** Where a decision came from; recorded on the suggestion and in the audit trail. */
export type DecisionSource = 'web' | 'email-link' | 'bulk';

/** Exactly what will happen on approval, in words and values the person can check. */
export interface SuggestionPreview {
  /** e.g. "Send a reply to ana@example.com". */
  action: string;
  fields: { label: string; value: string }[];
  /** The text that will be sent or written, verbatim. */
  body?: string;
}

export interface SuggestionDecision {
  decision: 'approve' | 'reject';
  source: DecisionSource;
  actorId: string;
  at: string;
  reason?: string;
  /** True when the person changed the payload before approving. */
  edited: boolean;
}

export interface SuggestionExecution {
  /** Stored before the provider call; the provider dedupes on it (e.g. the reply's Message-ID). */
  idempotencyKey: string;
  attempts: number;
  startedAt: string;
  finishedAt?: string;
  /** What was created at the provider, for the person and for undo. */
  result?: { externalId?: string; detail?: string; alreadyDone?: boolean };
  error?: string;
}

export interface SuggestionDoc extends TenantDoc {
  type: 'suggestion';
  kind: SuggestionKind;
  /** The payload that will be (or was) executed: the proposal's, or the person's edit of it. */
  payload: Record<string, unknown>;
  /** The agent's original payload when the person edited it. */
  proposedPayload?: Record<string, unknown>;
  rationale: string;
  sources: z.infer<typeof suggestionSource>[];
  confidence?: number;
  origin: { runId: string; stepId?: string; agentId: string; templateId: string; promptVersion: string; model: string };
  riskFlags: RiskFlag[];
  preview: SuggestionPreview;
  status: SuggestionStatus;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  decision?: SuggestionDecision;
  execution?: SuggestionExecution;
  /** Until when `undo` is allowed (only for kinds that can be undone). */
  undoableUntil?: string;
  /**
   * An approved send waits until then before it is carried out (the person's undo-send window); `undo` before
   * it goes out cancels it, and nothing reaches the provider.
   */
  heldUntil?: string;
  undoneAt?: string;
  reminderSentAt?: string;
}

/**
 * Kinds that send mail to other people: a sent email cannot be called back, so approving one holds it for the
 * person's undo-send window first (as mail apps do), and the app words the approval as "Send".
 */
export const SENDING_KINDS: ReadonlySet<SuggestionKind> = new Set(['email.reply']);

/** What undo does while a send is held (before anything reached the provider). */
const CANCEL_SEND = 'Cancel sending: nothing is sent';

/** True while an approved suggestion is held and may still be cancelled. */
function isHeld(doc: Pick<SuggestionDoc, 'status' | 'heldUntil'>, now: Date): boolean {
  return doc.status === 'approved' && !!doc.heldUntil && Date.parse(doc.heldUntil) > now.getTime();
}

/** Kinds whose effect can be taken back after execution, and how it reads to the person. */
export const UNDO_DESCRIPTIONS: Partial<Record<SuggestionKind, string>> = {
  'email.draft': 'Delete the draft',
  'email.label': 'Remove the labels again',
  'email.archive': 'Move the messages back to the inbox',
  'calendar.create': 'Delete the event',
  'doc.create': 'Delete the document',
  'notion.page': 'Archive the page',
  task: 'Remove the task',
};

// ------------------------------------------------------------------ API shapes

export const suggestionViewSchema = z.object({
  id: z.string(),
  kind: suggestionKindSchema,
  status: suggestionStatusSchema,
  payload: z.record(z.string(), z.unknown()),
  proposedPayload: z.record(z.string(), z.unknown()).optional(),
  rationale: z.string(),
  sources: z.array(suggestionSource),
  confidence: z.number().optional(),
  origin: z.object({
    runId: z.string(),
    stepId: z.string().optional(),
    agentId: z.string(),
    templateId: z.string(),
    promptVersion: z.string(),
    model: z.string(),
  }),
  riskFlags: z.array(riskFlagSchema),
  preview: z.object({
    action: z.string(),
    fields: z.array(z.object({ label: z.string(), value: z.string() })),
    body: z.string().optional(),
  }),
  createdAt: z.string(),
  expiresAt: z.string(),
  updatedAt: z.string(),
  decision: z
    .object({
      decision: z.enum(['approve', 'reject']),
      source: z.enum(['web', 'email-link', 'bulk']),
      at: z.string(),
      reason: z.string().optional(),
      edited: z.boolean(),
    })
    .optional(),
  execution: z
    .object({
      attempts: z.number(),
      startedAt: z.string(),
      finishedAt: z.string().optional(),
      result: z
        .object({
          externalId: z.string().optional(),
          detail: z.string().optional(),
          alreadyDone: z.boolean().optional(),
        })
        .optional(),
      error: z.string().optional(),
    })
    .optional(),
  undo: z.object({ available: z.boolean(), description: z.string().optional(), until: z.string().optional() }),
  /** True when carrying it out sends mail to other people (held for the undo-send window, worded "Send"). */
  sends: z.boolean(),
  /** Present while an approved send is held: it goes out at this time unless the person undoes it. */
  heldUntil: z.string().optional(),
  undoneAt: z.string().optional(),
});
export type SuggestionView = z.infer<typeof suggestionViewSchema>;

export function toSuggestionView(doc: SuggestionDoc, now: Date): SuggestionView {
  const held = isHeld(doc, now);
  const undoDescription = held ? CANCEL_SEND : UNDO_DESCRIPTIONS[doc.kind];
  return {
    id: doc.id,
    kind: doc.kind,
    status: doc.status,
    payload: doc.payload,
    ...(doc.proposedPayload ? { proposedPayload: doc.proposedPayload } : {}),
    rationale: doc.rationale,
    sources: doc.sources,
    ...(doc.confidence !== undefined ? { confidence: doc.confidence } : {}),
    origin: doc.origin,
    riskFlags: doc.riskFlags,
    preview: doc.preview,
    createdAt: doc.createdAt,
    expiresAt: doc.expiresAt,
    updatedAt: doc.updatedAt,
    ...(doc.decision
      ? {
          decision: {
            decision: doc.decision.decision,
            source: doc.decision.source,
            at: doc.decision.at,
            edited: doc.decision.edited,
            ...(doc.decision.reason ? { reason: doc.decision.reason } : {}),
          },
        }
      : {}),
    ...(doc.execution
      ? {
          execution: {
            attempts: doc.execution.attempts,
            startedAt: doc.execution.startedAt,
            ...(doc.execution.finishedAt ? { finishedAt: doc.execution.finishedAt } : {}),
            ...(doc.execution.result ? { result: doc.execution.result } : {}),
            ...(doc.execution.error ? { error: doc.execution.error } : {}),
          },
        }
      : {}),
    undo: {
      available:
        held || (doc.status === 'executed' && !!doc.undoableUntil && Date.parse(doc.undoableUntil) > now.getTime()),
      ...(undoDescription ? { description: undoDescription } : {}),
      ...(held ? { until: doc.heldUntil } : doc.undoableUntil ? { until: doc.undoableUntil } : {}),
    },
    sends: SENDING_KINDS.has(doc.kind),
    ...(held ? { heldUntil: doc.heldUntil } : {}),
    ...(doc.undoneAt ? { undoneAt: doc.undoneAt } : {}),
  };
}
