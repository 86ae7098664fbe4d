import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, normaliseEtag, type Stored } from '../platform/cosmos/tenant-repository';
import { PreconditionFailedError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import type { SuggestionKind } from './kinds';
import { assertTransition } from './lifecycle';
import type { SuggestionDoc, SuggestionStatus } from './model';

export interface ListQuery {
  status?: SuggestionStatus;
  kind?: SuggestionKind;
  runId?: string;
  limit: number;
  cursor?: string;
}

/** Sees the current document and returns the next one, undefined to leave it as it is, or throws to refuse. */
export type SuggestionChange = (current: Stored<SuggestionDoc>) => SuggestionDoc | undefined;

export interface TransitionResult {
  before: Stored<SuggestionDoc>;
  after: Stored<SuggestionDoc>;
  /** False when `change` left the document as it was. */
  changed: boolean;
}

/**
 * The suggestions container. Every write to a stored suggestion goes through `transition` or `transitionFrom`, which
 * hold it to the lifecycle table: a write the table does not allow is refused with 409 and stores nothing.
 */
export interface SuggestionStore {
  get(tenantId: string, id: string): Promise<Stored<SuggestionDoc>>;
  list(tenantId: string, query: ListQuery): Promise<Page<Stored<SuggestionDoc>>>;
  /** Stores a new suggestion unless one with its id exists (a retried run); returns the stored one either way. */
  createIfAbsent(doc: SuggestionDoc): Promise<{ doc: Stored<SuggestionDoc>; created: boolean }>;
  /**
   * A guarded write. With `ifMatch` the change applies only to that version (412 otherwise); without it, a lost race
   * is retried on the newer version.
   */
  transition(
    tenantId: string,
    id: string,
    ifMatch: string | undefined,
    change: SuggestionChange,
  ): Promise<TransitionResult>;
  /** Like `transition`, starting from a version just read or written (saves a read when nobody else wrote since). */
  transitionFrom(known: Stored<SuggestionDoc>, change: SuggestionChange): Promise<Omit<TransitionResult, 'before'>>;
}

/** Holds `change` to the lifecycle: the next document's status must be one the current status may move to. */
function guarded(change: SuggestionChange): SuggestionChange {
  return (current) => {
    const next = change(current);
    if (next) assertTransition(current.status, next.status);
    return next;
  };
}

function withoutEtag(doc: SuggestionDoc): SuggestionDoc {
  const { _etag: _drop, ...body } = doc as Stored<SuggestionDoc>;
  return body;
}

export function createSuggestionStore(store: CosmosStore): SuggestionStore {
  const repo = createTenantRepository<SuggestionDoc>(store, 'suggestions', 'suggestion');

  async function transition(
    tenantId: string,
    id: string,
    ifMatch: string | undefined,
    unguarded: SuggestionChange,
  ): Promise<TransitionResult> {
    const change = guarded(unguarded);
    if (ifMatch) {
      const current = await repo.getOrThrow(tenantId, id);
      if (normaliseEtag(ifMatch) !== current._etag) throw new PreconditionFailedError();
      const next = change(current);
      if (!next) return { before: current, after: current, changed: false };
      return { before: current, after: await repo.replace(withoutEtag(next), current._etag), changed: true };
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

  return {
    get: (tenantId, id) => repo.getOrThrow(tenantId, id),

    list(tenantId, query) {
      // Suggestions stored before the field was named `type` carry `docType`.
      const where = ['(c.type = "suggestion" OR c.docType = "suggestion")'];
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

    createIfAbsent: (doc) => repo.createIfAbsent(doc),

    transition,

    async transitionFrom(known, change) {
      const next = guarded(change)(known);
      if (!next) return transition(known.tenantId, known.id, undefined, change);
      try {
        return { after: await repo.replace(withoutEtag(next), known._etag), changed: true };
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        return transition(known.tenantId, known.id, undefined, change);
      }
    },
  };
}
