import type { Actor } from '../platform/audit/actor';
import type { Stored } from '../platform/cosmos/tenant-repository';
import { AppError, ConflictError } from '../platform/errors';
import { mapLimited } from '../platform/pool';
import type { Proposal } from './kinds';
import { canTransition } from './lifecycle';
import { SENDING_KINDS, type DecisionSource, type SuggestionDoc, type SuggestionStatus } from './model';
import { buildPreview } from './preview';
import { blockedReason } from './risk';
import { addedRecipientsFlag } from './recipients';
import type { BulkItemResult, DecisionOptions, SuggestionParts, SuggestionService } from './service-contract';
import { validateEdits } from './validation';

const DECIDED_MESSAGE: Partial<Record<SuggestionStatus, string>> = {
  approved: 'This suggestion was already approved.',
  executing: 'This suggestion was already approved and is being carried out.',
  executed: 'This suggestion was already approved and carried out.',
  failed: 'This suggestion was approved but could not be carried out.',
  rejected: 'This suggestion was already rejected.',
  expired: 'This suggestion expired before a decision was made.',
  undone: 'This suggestion was carried out and then undone.',
};

/** A decision needs a suggestion that is still waiting for one; otherwise 409 says what became of it. */
function assertDecidable(doc: SuggestionDoc, to: 'approved' | 'rejected'): void {
  if (canTransition(doc.status, to)) return;
  throw new ConflictError(DECIDED_MESSAGE[doc.status] ?? 'This suggestion can no longer be decided.', {
    suggestionStatus: doc.status,
  });
}

/** How the decision was given, as recorded on the suggestion and its events. */
function decisionSource(actor: Actor, options: DecisionOptions): DecisionSource {
  return options.inBulk ? 'bulk' : actor.source === 'email-link' ? 'email-link' : 'web';
}

/** The person's previewed action with their edits applied. */
function editedPreview(doc: SuggestionDoc, payload: Record<string, unknown>) {
  const { kind, rationale, sources, confidence } = doc;
  return buildPreview({ kind, payload, rationale, sources, confidence } as Proposal);
}

function bulkFailure(id: string, err: AppError): BulkItemResult {
  const current =
    typeof err.extensions.suggestionStatus === 'string'
      ? (err.extensions.suggestionStatus as SuggestionStatus)
      : undefined;
  return {
    id,
    ok: false,
    status: err.status,
    ...(current ? { suggestionStatus: current } : {}),
    error: { type: err.type, title: err.title, detail: err.detail },
  };
}

const BULK_INTERNAL_ERROR = {
  type: 'internal',
  title: 'Something went wrong',
  detail: 'This item could not be processed. Try again.',
};

/** The person's decisions: approve (optionally with edits), reject, and both in bulk. */
export function createDecisions({
  deps,
  store,
  audit,
  events,
  now,
  log,
}: SuggestionParts): Pick<SuggestionService, 'approve' | 'reject' | 'bulk'> {
  const latencySeconds = (at: Date, doc: SuggestionDoc) => (at.getTime() - Date.parse(doc.createdAt)) / 1000;

  const approve: SuggestionService['approve'] = async (tenantId, id, edits, actor, options = {}) => {
    const at = now();
    const source = decisionSource(actor, options);
    let editedPayload: Record<string, unknown> | undefined;
    // A send is held for the person's undo window; read before the write so the transition stays a pure function.
    const stored = await store.get(tenantId, id);
    const holdSeconds = SENDING_KINDS.has(stored.kind) ? await deps.sendHoldSeconds(tenantId) : 0;
    const { before, after } = await store.transition(tenantId, id, options.ifMatch, (current) => {
      assertDecidable(current, 'approved');
      if (Date.parse(current.expiresAt) <= at.getTime())
        throw new ConflictError('This suggestion expired before a decision was made.', {
          suggestionStatus: 'expired',
        });
      // A proposal that may have been steered by what it read is approved only by someone who opened it.
      const blocked = source === 'web' ? undefined : blockedReason(current.riskFlags);
      if (blocked) throw new ConflictError(blocked, { suggestionStatus: current.status, blocked: true });
      const hasEdits = !!edits && Object.keys(edits).length > 0;
      editedPayload = hasEdits ? validateEdits(current.kind, current.payload, edits) : undefined;
      const added = editedPayload ? addedRecipientsFlag(current.kind, current.payload, editedPayload) : undefined;
      return {
        ...current,
        status: 'approved',
        ...(holdSeconds > 0 ? { heldUntil: new Date(at.getTime() + holdSeconds * 1000).toISOString() } : {}),
        ...(editedPayload
          ? {
              payload: editedPayload,
              proposedPayload: current.payload,
              preview: editedPreview(current, editedPayload),
              ...(added ? { riskFlags: [...current.riskFlags.filter((f) => f.code !== added.code), added] } : {}),
            }
          : {}),
        decision: {
          decision: 'approve',
          source,
          actorId: actor.actorId,
          at: at.toISOString(),
          edited: !!editedPayload,
        },
        updatedAt: at.toISOString(),
      };
    });
    await audit.approved(before, after, actor, source, !!editedPayload);
    await events.changed(
      'SuggestionApproved',
      after,
      {
        source,
        edited: !!editedPayload,
        approvedAt: at.toISOString(),
        latencySeconds: latencySeconds(at, after),
      },
      actor.correlationId,
    );
    return after;
  };

  const reject: SuggestionService['reject'] = async (tenantId, id, reason, actor, options = {}) => {
    const at = now();
    const source = decisionSource(actor, options);
    const { after } = await store.transition(tenantId, id, options.ifMatch, (current) => {
      assertDecidable(current, 'rejected');
      return {
        ...current,
        status: 'rejected',
        decision: {
          decision: 'reject',
          source,
          actorId: actor.actorId,
          at: at.toISOString(),
          edited: false,
          ...(reason ? { reason } : {}),
        },
        updatedAt: at.toISOString(),
      };
    });
    await audit.rejected(after, actor, source, reason);
    await events.changed(
      'SuggestionRejected',
      after,
      { source, decidedAt: at.toISOString(), latencySeconds: latencySeconds(at, after) },
      actor.correlationId,
    );
    return after;
  };

  /** Each item is decided on its own; its result says what happened, as its own request would have. */
  const bulk: SuggestionService['bulk'] = (tenantId, ids, action, actor, onDecided) =>
    mapLimited(ids, 8, async (id): Promise<BulkItemResult> => {
      try {
        const decided: Stored<SuggestionDoc> =
          action === 'approve'
            ? await approve(tenantId, id, undefined, actor, { inBulk: true })
            : await reject(tenantId, id, undefined, actor, { inBulk: true });
        if (onDecided) await onDecided(decided);
        return { id, ok: true, status: 200, suggestionStatus: decided.status };
      } catch (err) {
        if (err instanceof AppError && err.status < 500) return bulkFailure(id, err);
        log(`bulk ${action} of ${id} failed`, err);
        return { id, ok: false, status: 500, error: BULK_INTERNAL_ERROR };
      }
    });

  return { approve, reject, bulk };
}
