import { auditedAs, type Actor } from '../platform/audit/actor';
import type { ActorType, AuditLog, AuditSource } from '../platform/audit/audit-log';
import type { ActionResult } from './actions';
import type { ProposalOrigin } from './kinds';
import { UNDO_DESCRIPTIONS, type DecisionSource, type SuggestionDoc } from './model';

interface Entry {
  actor: { type: ActorType; id: string };
  source: AuditSource;
  correlationId?: string;
  outcome?: 'success' | 'failure';
  before?: unknown;
  after?: unknown;
}

/** The approval wait acts for the person once they approved, and when nobody decided. */
const APPROVALS = { actor: { type: 'system', id: 'approvals' }, source: 'system' } as const;

const fromWhere = (source: DecisionSource) =>
  source === 'bulk' ? ' in bulk' : source === 'email-link' ? ' from an email link' : '';

/** What a person reads in their audit trail about each step of a suggestion's life. */
export function createSuggestionAudit(audit: () => AuditLog) {
  function record(doc: SuggestionDoc, action: string, summary: string, entry: Entry) {
    return audit().record({
      tenantId: doc.tenantId,
      actor: entry.actor,
      action,
      target: { type: 'suggestion', id: doc.id },
      outcome: entry.outcome ?? 'success',
      source: entry.source,
      correlationId: entry.correlationId,
      summary,
      before: entry.before,
      after: entry.after,
    });
  }

  return {
    created: (doc: SuggestionDoc, origin: ProposalOrigin) =>
      record(doc, 'suggestion.created', `Agent proposed: ${doc.preview.action}`, {
        actor: { type: 'agent', id: origin.agentId },
        source: 'system',
        correlationId: origin.correlationId,
        after: { kind: doc.kind, riskFlags: doc.riskFlags.map((f) => f.code), runId: origin.runId },
      }),

    /** `before` is the pending suggestion; its payload is recorded when the person edited it. */
    approved: (before: SuggestionDoc, after: SuggestionDoc, actor: Actor, source: DecisionSource, edited: boolean) =>
      record(
        after,
        'suggestion.approved',
        `Approved${fromWhere(source)}: ${after.preview.action}${edited ? ' (edited)' : ''}`,
        {
          ...auditedAs(actor),
          before: { status: before.status, ...(edited ? { payload: before.payload } : {}) },
          after: { status: after.status, decisionSource: source, ...(edited ? { payload: after.payload } : {}) },
        },
      ),

    rejected: (after: SuggestionDoc, actor: Actor, source: DecisionSource, reason: string | undefined) =>
      record(after, 'suggestion.rejected', `Rejected${fromWhere(source)}: ${after.preview.action}`, {
        ...auditedAs(actor),
        before: { status: 'pending' },
        after: { status: 'rejected', decisionSource: source, ...(reason ? { reason } : {}) },
      }),

    undone: (after: SuggestionDoc, actor: Actor, before: 'approved' | 'executed' = 'executed') =>
      record(
        after,
        'suggestion.undone',
        before === 'approved'
          ? `Cancelled before it was carried out: ${after.preview.action}`
          : `Undone: ${after.preview.action} (${UNDO_DESCRIPTIONS[after.kind]})`,
        { ...auditedAs(actor), before: { status: before }, after: { status: 'undone' } },
      ),

    executed: (after: SuggestionDoc, result: ActionResult) =>
      record(
        after,
        'suggestion.executed',
        `Carried out: ${after.preview.action}${result.alreadyDone ? ' (it had already been done)' : ''}`,
        { ...APPROVALS, after: { status: 'executed', result, attempts: after.execution?.attempts } },
      ),

    failed: (after: SuggestionDoc) =>
      record(after, 'suggestion.failed', `Could not carry out: ${after.preview.action}`, {
        ...APPROVALS,
        outcome: 'failure',
        after: { status: 'failed', error: after.execution?.error },
      }),

    expired: (after: SuggestionDoc) =>
      record(after, 'suggestion.expired', `Expired without a decision: ${after.preview.action}`, {
        ...APPROVALS,
        after: { status: 'expired' },
      }),
  };
}

export type SuggestionAudit = ReturnType<typeof createSuggestionAudit>;
