import { AppError, ConflictError, PreconditionFailedError, ensureError } from '../platform/errors';
import { normaliseEtag } from '../platform/cosmos/tenant-repository';
import { canTransition } from './lifecycle';
import { SENDING_KINDS, UNDO_DESCRIPTIONS } from './model';
import type { SuggestionParts, SuggestionService } from './service-contract';

/** A request the provider refuses for good will not succeed on retry; anything else is retried by Durable. */
function refusedForGood(err: unknown): err is AppError {
  return err instanceof AppError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

/** Carrying out an approved suggestion at the person's provider (exactly once), its failure, and its undo. */
export function createExecution({
  deps,
  store,
  audit,
  events,
  now,
}: SuggestionParts): Pick<SuggestionService, 'execute' | 'markFailed' | 'undo'> {
  const markFailed: SuggestionService['markFailed'] = async (tenantId, id, error) => {
    const at = now().toISOString();
    const { after, changed } = await store.transition(tenantId, id, undefined, (doc) => {
      if (!canTransition(doc.status, 'failed')) return undefined;
      return {
        ...doc,
        status: 'failed',
        execution: {
          ...(doc.execution ?? { idempotencyKey: `pa-${doc.id}`, attempts: 0, startedAt: at }),
          finishedAt: at,
          error: error.slice(0, 500),
        },
        updatedAt: at,
      };
    });
    if (changed) {
      await audit.failed(after);
      await events.changed('SuggestionFailed', after, { error: after.execution?.error, failedAt: at });
    }
    return after.status;
  };

  const execute: SuggestionService['execute'] = async (tenantId, id) => {
    const startedAt = now().toISOString();
    // The idempotency key is stored before the provider is called; a retry reuses it, so the provider can dedupe.
    const { after: claimed } = await store.transition(tenantId, id, undefined, (doc) => {
      if (doc.status === 'approved') {
        return {
          ...doc,
          status: 'executing',
          execution: { idempotencyKey: `pa-${doc.id}`, attempts: 1, startedAt },
          updatedAt: startedAt,
        };
      }
      if (doc.status === 'executing' && doc.execution) {
        return {
          ...doc,
          execution: { ...doc.execution, attempts: doc.execution.attempts + 1 },
          updatedAt: startedAt,
        };
      }
      return undefined;
    });
    if (claimed.status !== 'executing' || !claimed.execution) return claimed.status;

    let result;
    try {
      result = await deps.actions().execute(claimed, claimed.execution.idempotencyKey);
    } catch (err) {
      if (refusedForGood(err)) return markFailed(tenantId, id, err.detail);
      throw ensureError(err);
    }
    const finished = now();
    const undoable = !!UNDO_DESCRIPTIONS[claimed.kind];
    const { after, changed } = await store.transitionFrom(claimed, (doc) => {
      if (doc.status !== 'executing') return undefined;
      return {
        ...doc,
        status: 'executed',
        execution: { ...doc.execution!, finishedAt: finished.toISOString(), result },
        ...(undoable
          ? { undoableUntil: new Date(finished.getTime() + deps.undoWindowSeconds * 1000).toISOString() }
          : {}),
        updatedAt: finished.toISOString(),
      };
    });
    if (changed) {
      await audit.executed(after, result);
      const approvedAt = after.decision?.at ?? after.createdAt;
      await events.changed('SuggestionExecuted', after, {
        approvedAt,
        executedAt: finished.toISOString(),
        executionSeconds: (finished.getTime() - Date.parse(approvedAt)) / 1000,
      });
    }
    return after.status;
  };

  /** A send still held in its undo window is cancelled before it reaches the provider: nothing is sent. */
  const cancelHeld: SuggestionService['undo'] = async (tenantId, id, actor) => {
    const at = now().toISOString();
    const { after } = await store.transition(tenantId, id, undefined, (doc) => {
      if (doc.status !== 'approved')
        throw new ConflictError(
          doc.status !== 'executing' && doc.status !== 'executed'
            ? 'This suggestion can no longer be undone.'
            : SENDING_KINDS.has(doc.kind)
              ? 'Too late to undo: it has already been sent.'
              : 'It is being carried out right now. Try Undo again in a moment.',
          { suggestionStatus: doc.status },
        );
      return { ...doc, status: 'undone', undoneAt: at, updatedAt: at };
    });
    await audit.undone(after, actor, 'approved');
    await events.changed(
      'SuggestionUndone',
      after,
      { undoneAt: at, cancelledBeforeSending: true },
      actor.correlationId,
    );
    return after;
  };

  const undo: SuggestionService['undo'] = async (tenantId, id, actor, ifMatch) => {
    const current = await store.get(tenantId, id);
    if (ifMatch && normaliseEtag(ifMatch) !== current._etag) throw new PreconditionFailedError();
    // Held, or approved and not yet claimed by the approval wait: nothing has reached the provider yet.
    if (current.status === 'approved') return cancelHeld(tenantId, id, actor);
    if (!canTransition(current.status, 'undone')) {
      throw new ConflictError(
        current.status === 'undone'
          ? 'This suggestion was already undone.'
          : 'Only a carried-out suggestion can be undone.',
        { suggestionStatus: current.status },
      );
    }
    if (!UNDO_DESCRIPTIONS[current.kind] || !current.undoableUntil) {
      throw new ConflictError('A sent email cannot be called back, so this cannot be undone.', {
        suggestionStatus: current.status,
      });
    }
    if (Date.parse(current.undoableUntil) <= now().getTime()) {
      throw new ConflictError('The time to undo this action has passed.', { suggestionStatus: current.status });
    }
    // Undo operations are idempotent at the provider, so two concurrent undos are harmless; one wins the state change.
    await deps.actions().undo(current);
    const at = now().toISOString();
    const { after } = await store.transition(tenantId, id, undefined, (doc) => {
      if (!canTransition(doc.status, 'undone'))
        throw new ConflictError('This suggestion was already undone.', { suggestionStatus: doc.status });
      return { ...doc, status: 'undone', undoneAt: at, updatedAt: at };
    });
    await audit.undone(after, actor);
    await events.changed('SuggestionUndone', after, { undoneAt: at }, actor.correlationId);
    return after;
  };

  return { execute, markFailed, undo };
}
