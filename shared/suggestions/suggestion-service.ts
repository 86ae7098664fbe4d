import { createHash } from 'node:crypto';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { ActorType, AuditLog, AuditSource } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { TenantRepository, normaliseEtag, type Stored } from '../platform/cosmos/tenant-repository';
import { domainEvent, type DomainEvent, type DomainEventType } from '../platform/events/domain-event';
import type { EventPublisher } from '../platform/events/publisher';
import {
  AppError,
  ConflictError,
  PreconditionFailedError,
  ValidationError,
  ensureError,
  type FieldError,
} from '../platform/errors';
import type { Page } from '../platform/http/paging';
import type { ActionRunner } from './actions';
import {
  proposalSchema,
  SUGGESTION_PAYLOADS,
  type Proposal,
  type ProposalOrigin,
  type SuggestionKind,
  type SuggestionSink,
} from './kinds';
import { UNDO_DESCRIPTIONS, type DecisionSource, type SuggestionDoc, type SuggestionStatus } from './model';
import { buildPreview } from './preview';
import { assessRisk } from './risk';

export interface SuggestionServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  events: () => EventPublisher;
  actions: () => ActionRunner;
  /** The person's own address (for the external-recipients check); undefined when unknown. */
  ownerEmail: (tenantId: string) => Promise<string | undefined>;
  expirySeconds: number;
  undoWindowSeconds: number;
  log?: (message: string, err?: unknown) => void;
}

/** How a decision is given, beside who gave it (the actor). */
export interface DecisionOptions {
  /** Client's If-Match: the decision applies only to that version. */
  ifMatch?: string;
  /** Part of a bulk decision (recorded as such on the suggestion). */
  inBulk?: boolean;
}

export interface ListQuery {
  status?: SuggestionStatus;
  kind?: SuggestionKind;
  runId?: string;
  limit: number;
  cursor?: string;
}

export interface BulkItemResult {
  id: string;
  ok: boolean;
  /** HTTP-like status of this item: 200, 404, 409, 400, 412, 500. */
  status: number;
  suggestionStatus?: SuggestionStatus;
  error?: { type: string; title: string; detail: string };
}

/** What the approval orchestration needs to know to wait or act. */
export interface ApprovalState {
  status: SuggestionStatus;
  expiresAt: string;
  reminderSentAt?: string;
}

export interface SuggestionService extends SuggestionSink {
  list(tenantId: string, query: ListQuery): Promise<Page<Stored<SuggestionDoc>>>;
  get(tenantId: string, id: string): Promise<Stored<SuggestionDoc>>;
  approve(
    tenantId: string,
    id: string,
    edits: Record<string, unknown> | undefined,
    actor: Actor,
    options?: DecisionOptions,
  ): Promise<Stored<SuggestionDoc>>;
  reject(
    tenantId: string,
    id: string,
    reason: string | undefined,
    actor: Actor,
    options?: DecisionOptions,
  ): Promise<Stored<SuggestionDoc>>;
  bulk(
    tenantId: string,
    ids: string[],
    action: 'approve' | 'reject',
    actor: Actor,
    onDecided?: (doc: Stored<SuggestionDoc>) => Promise<void>,
  ): Promise<BulkItemResult[]>;
  undo(tenantId: string, id: string, actor: Actor, ifMatch?: string): Promise<Stored<SuggestionDoc>>;
  /** Orchestration: current status and expiry. */
  approvalState(tenantId: string, id: string): Promise<ApprovalState>;
  /** Orchestration: runs the approved action exactly once; returns the final status. */
  execute(tenantId: string, id: string): Promise<SuggestionStatus>;
  /** Orchestration: the action failed for good (retries exhausted). */
  markFailed(tenantId: string, id: string, error: string): Promise<SuggestionStatus>;
  /** Orchestration: no decision before the deadline. */
  expire(tenantId: string, id: string): Promise<SuggestionStatus>;
  /** Orchestration: records that the reminder went out (once). Returns false when it was already sent or moot. */
  markReminded(tenantId: string, id: string): Promise<boolean>;
}

/**
 * Deterministic per run, step and position, so a retried step stores each proposal once, and the steps of one run
 * (parallel ones too) never share an id.
 */
export function suggestionIdFor(tenantId: string, runId: string, index: number, stepId?: string): string {
  const scope = stepId === undefined ? `${tenantId}\n${runId}` : `${tenantId}\n${runId}\n${stepId}`;
  return 'sug_' + createHash('sha256').update(`${scope}\n${index}`).digest('hex').slice(0, 24);
}

/** What every suggestion event says about the suggestion and where it came from. */
function originData(doc: SuggestionDoc): Record<string, unknown> {
  return {
    suggestionId: doc.id,
    kind: doc.kind,
    runId: doc.origin.runId,
    ...(doc.origin.stepId !== undefined ? { stepId: doc.origin.stepId } : {}),
    agentId: doc.origin.agentId,
  };
}

const DECIDABLE_MESSAGE: Partial<Record<SuggestionStatus, string>> = {
  approved: 'This suggestion was already approved.',
  executing: 'This suggestion was already approved and is being carried out.',
  executed: 'This suggestion was already approved and carried out.',
  failed: 'This suggestion was approved but could not be carried out.',
  rejected: 'This suggestion was already rejected.',
  expired: 'This suggestion expired before a decision was made.',
  undone: 'This suggestion was carried out and then undone.',
};

function notPending(doc: SuggestionDoc): ConflictError {
  return new ConflictError(DECIDABLE_MESSAGE[doc.status] ?? 'This suggestion can no longer be decided.', {
    suggestionStatus: doc.status,
  });
}

function validateEdits(
  kind: SuggestionKind,
  payload: Record<string, unknown>,
  edits: Record<string, unknown>,
): Record<string, unknown> {
  const schema = SUGGESTION_PAYLOADS[kind];
  const known = new Set(Object.keys(schema.shape));
  const errors: FieldError[] = Object.keys(edits)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: `body.edits.${key}`, message: `not a field of a ${kind} suggestion` }));
  for (const fixed of ['connectorId', 'messageId', 'threadId'] as const) {
    if (fixed in edits && edits[fixed] !== payload[fixed])
      errors.push({ path: `body.edits.${fixed}`, message: 'cannot be changed' });
  }
  const parsed = schema.safeParse({ ...payload, ...edits });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      errors.push({ path: ['body', 'edits', ...issue.path.map(String)].join('.'), message: issue.message });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  return parsed.data as Record<string, unknown>;
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return out;
}

export function createSuggestionService(deps: SuggestionServiceDeps): SuggestionService {
  const repo = new TenantRepository<SuggestionDoc>(deps.store, 'suggestions', 'suggestion');
  const now = () => deps.clock.now();
  const log = deps.log ?? ((message, err) => console.warn(message, err));

  /** Events are published after the state is stored; ids are stable per transition so a re-publish is deduped. */
  async function publish(
    type: DomainEventType,
    doc: SuggestionDoc,
    data: Record<string, unknown>,
    correlationId?: string,
  ) {
    const event: DomainEvent = domainEvent(
      type,
      doc.tenantId,
      `suggestions/${doc.id}`,
      { ...originData(doc), createdAt: doc.createdAt, ...data },
      { id: `${type}:${doc.id}`, correlationId, occurredAt: now() },
    );
    try {
      await deps.events().publish([event]);
    } catch (err) {
      log(`could not publish ${type} for ${doc.id}`, err);
    }
  }

  /** A guarded state change: `change` sees the current document and returns the next one or throws. */
  async function transition(
    tenantId: string,
    id: string,
    ifMatch: string | undefined,
    change: (current: Stored<SuggestionDoc>) => SuggestionDoc | undefined,
  ): Promise<{ before: Stored<SuggestionDoc>; after: Stored<SuggestionDoc>; changed: boolean }> {
    if (ifMatch) {
      const current = await repo.getOrThrow(tenantId, id);
      if (normaliseEtag(ifMatch) !== current._etag) throw new PreconditionFailedError();
      const next = change(current);
      if (!next) return { before: current, after: current, changed: false };
      const { _etag: _drop, ...body } = next as Stored<SuggestionDoc>;
      return { before: current, after: await repo.replace(body, current._etag), changed: true };
    }
    let before: Stored<SuggestionDoc> | undefined;
    let changed = false;
    const after = await repo.update(
      tenantId,
      id,
      (current) => {
        before = current;
        const next = change(current);
        changed = next !== undefined;
        return next;
      },
      20,
    );
    return { before: before!, after, changed };
  }

  /** Like `transition`, starting from a version just read or written (saves a read when nobody else wrote since). */
  async function transitionFrom(
    known: Stored<SuggestionDoc>,
    change: (current: Stored<SuggestionDoc>) => SuggestionDoc | undefined,
  ): Promise<{ after: Stored<SuggestionDoc>; changed: boolean }> {
    const next = change(known);
    if (!next) return transition(known.tenantId, known.id, undefined, change);
    try {
      const { _etag: _drop, ...body } = next as Stored<SuggestionDoc>;
      return { after: await repo.replace(body, known._etag), changed: true };
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      return transition(known.tenantId, known.id, undefined, change);
    }
  }

  async function audit(
    doc: SuggestionDoc,
    action: string,
    summary: string,
    extra: {
      actor: { type: ActorType; id: string };
      source: AuditSource;
      correlationId?: string;
      outcome?: 'success' | 'failure';
      before?: unknown;
      after?: unknown;
      bulk?: boolean;
    },
  ) {
    await deps.audit().record({
      tenantId: doc.tenantId,
      actor: extra.actor,
      action,
      target: { type: 'suggestion', id: doc.id },
      outcome: extra.outcome ?? 'success',
      source: extra.source,
      correlationId: extra.correlationId,
      summary,
      before: extra.before,
      after: extra.after,
    });
  }

  /** How the decision was given, as recorded on the suggestion and its events. */
  const decisionSource = (actor: Actor, options: DecisionOptions): DecisionSource =>
    options.inBulk ? 'bulk' : actor.source === 'email-link' ? 'email-link' : 'web';

  const service: SuggestionService = {
    async propose(origin: ProposalOrigin, proposals: Proposal[]) {
      const createdAt = now();
      const ownerEmail = await deps.ownerEmail(origin.tenantId);
      // Everything is validated before anything is stored: a bad proposal stores none of the run's.
      const parsedProposals = proposals.map((raw, index) => {
        const parsed = proposalSchema.safeParse(raw);
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => ({
            path: `proposals[${index}].${i.path.join('.')}`,
            message: i.message,
          }));
          throw new ValidationError(
            `Proposal ${index} is not valid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
            errors,
          );
        }
        return parsed.data as Proposal;
      });
      const stored = await inBatches([...parsedProposals.entries()], 8, async ([index, proposal]) => {
        const id = suggestionIdFor(origin.tenantId, origin.runId, index, origin.stepId);
        const lifetime = Math.min(deps.expirySeconds, proposal.expiresInSeconds ?? deps.expirySeconds);
        const doc: SuggestionDoc = {
          id,
          tenantId: origin.tenantId,
          docType: 'suggestion',
          kind: proposal.kind,
          payload: proposal.payload as Record<string, unknown>,
          rationale: proposal.rationale,
          sources: proposal.sources,
          ...(proposal.confidence !== undefined ? { confidence: proposal.confidence } : {}),
          origin: {
            runId: origin.runId,
            ...(origin.stepId !== undefined ? { stepId: origin.stepId } : {}),
            agentId: origin.agentId,
            templateId: origin.templateId,
            promptVersion: origin.promptVersion,
            model: origin.model,
          },
          riskFlags: assessRisk(proposal, ownerEmail),
          preview: buildPreview(proposal),
          status: 'pending',
          createdAt: createdAt.toISOString(),
          expiresAt: new Date(createdAt.getTime() + Math.max(1, lifetime) * 1000).toISOString(),
          updatedAt: createdAt.toISOString(),
        };
        const result = await repo.createIfAbsent(doc);
        if (result.created) {
          await audit(result.doc, 'suggestion.created', `Agent proposed: ${result.doc.preview.action}`, {
            actor: { type: 'agent', id: origin.agentId },
            source: 'system',
            correlationId: origin.correlationId,
            after: { kind: result.doc.kind, riskFlags: result.doc.riskFlags.map((f) => f.code), runId: origin.runId },
          });
        }
        return result.doc;
      });
      const ids = stored.map((doc) => doc.id);
      // Re-published on a retried run too (same event ids): consumers dedupe, and a lost publish gets a second chance.
      const events = stored
        .filter((doc) => doc.status === 'pending')
        .map((doc) =>
          domainEvent(
            'SuggestionCreated',
            doc.tenantId,
            `suggestions/${doc.id}`,
            { ...originData(doc), createdAt: doc.createdAt, expiresAt: doc.expiresAt },
            {
              id: `SuggestionCreated:${doc.id}`,
              correlationId: origin.correlationId,
              occurredAt: new Date(doc.createdAt),
            },
          ),
        );
      if (events.length > 0) await deps.events().publish(events);
      return ids;
    },

    async list(tenantId, query) {
      const where = ['c.docType = "suggestion"'];
      const parameters: { name: string; value: string }[] = [];
      if (query.status) {
        where.push('c.status = @status');
        parameters.push({ name: '@status', value: query.status });
      }
      if (query.kind) {
        where.push('c.kind = @kind');
        parameters.push({ name: '@kind', value: query.kind });
      }
      if (query.runId) {
        where.push('c.origin.runId = @runId');
        parameters.push({ name: '@runId', value: query.runId });
      }
      const sql = `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAt DESC`;
      return repo.query(tenantId, sql, parameters, { limit: query.limit, cursor: query.cursor });
    },

    get(tenantId, id) {
      return repo.getOrThrow(tenantId, id);
    },

    async approve(tenantId, id, edits, actor, options = {}) {
      const at = now();
      const source = decisionSource(actor, options);
      let editedPayload: Record<string, unknown> | undefined;
      const { before, after } = await transition(tenantId, id, options.ifMatch, (current) => {
        if (current.status !== 'pending') throw notPending(current);
        if (Date.parse(current.expiresAt) <= at.getTime())
          throw new ConflictError('This suggestion expired before a decision was made.', {
            suggestionStatus: 'expired',
          });
        const hasEdits = !!edits && Object.keys(edits).length > 0;
        editedPayload = hasEdits ? validateEdits(current.kind, current.payload, edits!) : undefined;
        const payload = editedPayload ?? current.payload;
        const proposal = {
          kind: current.kind,
          payload,
          rationale: current.rationale,
          sources: current.sources,
          confidence: current.confidence,
        } as Proposal;
        return {
          ...current,
          status: 'approved',
          ...(editedPayload
            ? { payload: editedPayload, proposedPayload: current.payload, preview: buildPreview(proposal) }
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
      await audit(
        after,
        'suggestion.approved',
        `Approved${source === 'bulk' ? ' in bulk' : source === 'email-link' ? ' from an email link' : ''}: ${after.preview.action}${editedPayload ? ' (edited)' : ''}`,
        {
          ...auditedAs(actor),
          before: { status: before.status, ...(editedPayload ? { payload: before.payload } : {}) },
          after: {
            status: after.status,
            decisionSource: source,
            ...(editedPayload ? { payload: after.payload } : {}),
          },
        },
      );
      await publish(
        'SuggestionApproved',
        after,
        {
          source,
          edited: !!editedPayload,
          approvedAt: at.toISOString(),
          latencySeconds: (at.getTime() - Date.parse(after.createdAt)) / 1000,
        },
        actor.correlationId,
      );
      return after;
    },

    async reject(tenantId, id, reason, actor, options = {}) {
      const at = now();
      const source = decisionSource(actor, options);
      const { after } = await transition(tenantId, id, options.ifMatch, (current) => {
        if (current.status !== 'pending') throw notPending(current);
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
      await audit(
        after,
        'suggestion.rejected',
        `Rejected${source === 'bulk' ? ' in bulk' : source === 'email-link' ? ' from an email link' : ''}: ${after.preview.action}`,
        {
          ...auditedAs(actor),
          before: { status: 'pending' },
          after: { status: 'rejected', decisionSource: source, ...(reason ? { reason } : {}) },
        },
      );
      await publish(
        'SuggestionRejected',
        after,
        {
          source,
          decidedAt: at.toISOString(),
          latencySeconds: (at.getTime() - Date.parse(after.createdAt)) / 1000,
        },
        actor.correlationId,
      );
      return after;
    },

    async bulk(tenantId, ids, action, actor, onDecided) {
      return inBatches(ids, 8, async (id): Promise<BulkItemResult> => {
        try {
          const doc =
            action === 'approve'
              ? await service.approve(tenantId, id, undefined, actor, { inBulk: true })
              : await service.reject(tenantId, id, undefined, actor, { inBulk: true });
          if (onDecided) await onDecided(doc);
          return { id, ok: true, status: 200, suggestionStatus: doc.status };
        } catch (err) {
          if (err instanceof AppError && err.status < 500) {
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
          log(`bulk ${action} of ${id} failed`, err);
          return {
            id,
            ok: false,
            status: 500,
            error: {
              type: 'internal',
              title: 'Something went wrong',
              detail: 'This item could not be processed. Try again.',
            },
          };
        }
      });
    },

    async undo(tenantId, id, actor, ifMatch) {
      const current = await repo.getOrThrow(tenantId, id);
      if (ifMatch && normaliseEtag(ifMatch) !== current._etag) throw new PreconditionFailedError();
      if (current.status !== 'executed') {
        throw new ConflictError(
          current.status === 'undone'
            ? 'This suggestion was already undone.'
            : 'Only a carried-out suggestion can be undone.',
          { suggestionStatus: current.status },
        );
      }
      if (!UNDO_DESCRIPTIONS[current.kind] || !current.undoableUntil) {
        throw new ConflictError('This action cannot be undone (a sent email cannot be called back).', {
          suggestionStatus: current.status,
        });
      }
      if (Date.parse(current.undoableUntil) <= now().getTime()) {
        throw new ConflictError('The time to undo this action has passed.', { suggestionStatus: current.status });
      }
      // Undo operations are idempotent at the provider, so two concurrent undos are harmless; one wins the state change.
      await deps.actions().undo(current);
      const at = now().toISOString();
      const { after } = await transition(tenantId, id, undefined, (doc) => {
        if (doc.status !== 'executed')
          throw new ConflictError('This suggestion was already undone.', { suggestionStatus: doc.status });
        return { ...doc, status: 'undone', undoneAt: at, updatedAt: at };
      });
      await audit(after, 'suggestion.undone', `Undone: ${after.preview.action} (${UNDO_DESCRIPTIONS[after.kind]})`, {
        ...auditedAs(actor),
        before: { status: 'executed' },
        after: { status: 'undone' },
      });
      await publish('SuggestionUndone', after, { undoneAt: at }, actor.correlationId);
      return after;
    },

    async approvalState(tenantId, id) {
      const doc = await repo.getOrThrow(tenantId, id);
      return {
        status: doc.status,
        expiresAt: doc.expiresAt,
        ...(doc.reminderSentAt ? { reminderSentAt: doc.reminderSentAt } : {}),
      };
    },

    async execute(tenantId, id) {
      const startedAt = now().toISOString();
      // The idempotency key is stored before the provider is called; a retry reuses it, so the provider can dedupe.
      const { after: claimed } = await transition(tenantId, id, undefined, (doc) => {
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
        // A request the provider refuses for good will not succeed on retry; anything else is retried by Durable.
        if (err instanceof AppError && err.status >= 400 && err.status < 500 && err.status !== 429) {
          return service.markFailed(tenantId, id, err.detail);
        }
        throw ensureError(err);
      }
      const finished = now();
      const undoable = !!UNDO_DESCRIPTIONS[claimed.kind];
      const { after, changed } = await transitionFrom(claimed, (doc) => {
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
        await audit(
          after,
          'suggestion.executed',
          `Carried out: ${after.preview.action}${result.alreadyDone ? ' (it had already been done)' : ''}`,
          {
            actor: { type: 'system', id: 'approvals' },
            source: 'system',
            after: { status: 'executed', result, attempts: after.execution?.attempts },
          },
        );
        const approvedAt = after.decision?.at ?? after.createdAt;
        await publish('SuggestionExecuted', after, {
          approvedAt,
          executedAt: finished.toISOString(),
          executionSeconds: (finished.getTime() - Date.parse(approvedAt)) / 1000,
        });
      }
      return after.status;
    },

    async markFailed(tenantId, id, error) {
      const at = now().toISOString();
      const { after, changed } = await transition(tenantId, id, undefined, (doc) => {
        if (doc.status !== 'executing' && doc.status !== 'approved') return undefined;
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
        await audit(after, 'suggestion.failed', `Could not carry out: ${after.preview.action}`, {
          actor: { type: 'system', id: 'approvals' },
          source: 'system',
          outcome: 'failure',
          after: { status: 'failed', error: after.execution?.error },
        });
        await publish('SuggestionFailed', after, { error: after.execution?.error, failedAt: at });
      }
      return after.status;
    },

    async expire(tenantId, id) {
      const at = now().toISOString();
      const { after, changed } = await transition(tenantId, id, undefined, (doc) =>
        doc.status === 'pending' ? { ...doc, status: 'expired', updatedAt: at } : undefined,
      );
      if (changed) {
        await audit(after, 'suggestion.expired', `Expired without a decision: ${after.preview.action}`, {
          actor: { type: 'system', id: 'approvals' },
          source: 'system',
          after: { status: 'expired' },
        });
        await publish('SuggestionExpired', after, { expiredAt: at });
      }
      return after.status;
    },

    async markReminded(tenantId, id) {
      const at = now().toISOString();
      const { changed } = await transition(tenantId, id, undefined, (doc) =>
        doc.status === 'pending' && !doc.reminderSentAt ? { ...doc, reminderSentAt: at, updatedAt: at } : undefined,
      );
      return changed;
    },
  };
  return service;
}
