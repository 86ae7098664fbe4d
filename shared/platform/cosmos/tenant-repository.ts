import type { Container, PatchOperation, SqlParameter } from '@azure/cosmos';
import { ConflictError, InvalidCursorError, NotFoundError, PreconditionFailedError } from '../errors';
import type { Page } from '../http/paging';
import type { ContainerName } from './containers';
import type { CosmosStore } from './store';
import { mapLimited } from '../pool';
import { sleep } from '../retry';

/** Every tenant document carries its partition key. */
export interface TenantDoc {
  id: string;
  tenantId: string;
  /** Seconds until Cosmos removes the document (retention); absent = keep. */
  ttl?: number;
}

/** A stored document with its version, for If-Match. */
export type Stored<T> = T & { _etag: string };

const SYSTEM_FIELDS = ['_rid', '_self', '_attachments', '_ts'] as const;

/**
 * Azure Cosmos DB's `_etag` values carry quotes; the local Cosmos-API server's do not. The repository learns which
 * from the documents it sees, so an ETag a client sends back (always quoted, per HTTP) matches the stored form.
 */
let storeEtagsQuoted: boolean | undefined;

function clean<T>(resource: Record<string, unknown>): Stored<T> {
  if (typeof resource._etag === 'string') storeEtagsQuoted = resource._etag.startsWith('"');
  const copy: Record<string, unknown> = { ...resource };
  for (const field of SYSTEM_FIELDS) delete copy[field];
  return copy as Stored<T>;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown; statusCode?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * The partition key of every tenant operation. An empty or missing tenant id would turn a query into a
 * cross-partition fan-out over every tenant's data, so it is refused before anything reaches Cosmos.
 */
function requireTenant(tenantId: unknown): string {
  if (typeof tenantId !== 'string' || tenantId.trim() === '') {
    throw new Error('tenant id is required: tenant data is only read and written inside one tenant partition');
  }
  return tenantId;
}

const TENANT_PARAM = '@partitionTenantId';

/**
 * Adds `c.tenantId = <tenant>` to a SELECT over `c`, around whatever condition it already has. The partition key
 * option scopes the query in Azure; this makes the query itself say so too (the local Cosmos-API server ignores
 * the option), so no query written through the repository can return another tenant's documents.
 */
export function scopeToTenant(sql: string): string {
  const tail = /\s+(ORDER\s+BY|OFFSET)\b[\s\S]*$/i.exec(sql);
  const head = tail ? sql.slice(0, tail.index) : sql;
  const rest = tail ? tail[0] : '';
  const where = /\bWHERE\b/i.exec(head);
  const condition = `c.tenantId = ${TENANT_PARAM}`;
  if (!where) return `${head} WHERE ${condition}${rest}`;
  return `${head.slice(0, where.index)}WHERE ${condition} AND (${head.slice(where.index + 5).trim()})${rest}`;
}

const scoped = (sql: string, parameters: SqlParameter[], tenantId: string) => ({
  query: scopeToTenant(sql),
  parameters: [...parameters, { name: TENANT_PARAM, value: tenantId }],
});

/** An ETag as sent by clients may be quoted or weak; Cosmos etags are quoted strings. */
export function normaliseEtag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  const bare = etag
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  return storeEtagsQuoted === false ? bare : `"${bare}"`;
}

/** Refuses a change when the client's If-Match (`*` already dropped by the HTTP layer) is not the stored version. */
export function assertIfMatch(ifMatch: string | undefined, stored: { _etag: string }): void {
  if (ifMatch !== undefined && normaliseEtag(ifMatch) !== stored._etag) throw new PreconditionFailedError();
}

/**
 * Data access for one tenant-partitioned container. Every method takes the tenant id and names it as the
 * partition key, so a cross-partition read on a tenant path cannot be written with it.
 */
export interface TenantRepository<T extends TenantDoc> {
  /** The container this repository reads and writes. */
  readonly containerName: ContainerName;
  /** The document, or undefined when it is missing (or another tenant's). */
  get(tenantId: string, id: string): Promise<Stored<T> | undefined>;
  /** Like `get`, but a missing document (or another tenant's) is a 404 for the caller. */
  getOrThrow(tenantId: string, id: string): Promise<Stored<T>>;
  /** Creates the document; an existing id is a 409. */
  create(doc: T): Promise<Stored<T>>;
  /** Creates or returns the existing document with that id (idempotent provisioning). */
  createIfAbsent(doc: T): Promise<{ doc: Stored<T>; created: boolean }>;
  /** Creates or replaces the document. */
  upsert(doc: T): Promise<Stored<T>>;
  /** Replaces the document; with `ifMatch`, a stale version is a 412. */
  replace(doc: T, ifMatch?: string): Promise<Stored<T>>;
  /**
   * Read-modify-write with optimistic concurrency, retried on a lost race. `change` returns the new document, or
   * undefined to leave it as it is. Use for counters and state transitions that several writers touch.
   */
  update(
    tenantId: string,
    id: string,
    change: (current: Stored<T>) => T | undefined | Promise<T | undefined>,
    attempts?: number,
  ): Promise<Stored<T>>;
  /** Applies patch operations; with `ifMatch`, a stale version is a 412. */
  patch(tenantId: string, id: string, operations: PatchOperation[], ifMatch?: string): Promise<Stored<T>>;
  /**
   * Applies `operations` only if the document matches `condition` (`from c where …`), atomically in the store (a
   * conditional patch). Answers false when the condition is not met; a missing document is a NotFoundError.
   */
  patchWhere(tenantId: string, id: string, condition: string, operations: PatchOperation[]): Promise<boolean>;
  /** Deletes the document; a missing one is a 404, a stale `ifMatch` a 412. */
  delete(tenantId: string, id: string, ifMatch?: string): Promise<void>;
  /** One page of a query inside the tenant's partition. `sql` must be a parameterised SELECT over `c`. */
  query(
    tenantId: string,
    sql: string,
    parameters: SqlParameter[],
    paging: { limit: number; cursor?: string },
  ): Promise<Page<Stored<T>>>;
  /** Every result of a query inside the tenant's partition, up to `max` (a guard against unbounded reads). */
  queryAll(tenantId: string, sql: string, parameters?: SqlParameter[], max?: number): Promise<Stored<T>[]>;
  /** How many documents of the tenant this container holds (optionally narrowed by a `WHERE` condition on `c`). */
  count(tenantId: string, where?: string, parameters?: SqlParameter[]): Promise<number>;
  /** Removes every document of the tenant in this container (erasure). Returns how many were removed. */
  deleteAllOfTenant(tenantId: string): Promise<number>;
}

/** The repository of `containerName` in `store`; `what` names its documents in "The <what> does not exist." */
export function createTenantRepository<T extends TenantDoc>(
  store: CosmosStore,
  containerName: ContainerName,
  what: string,
): TenantRepository<T> {
  const open = (): Promise<Container> => store.container(containerName);

  async function get(tenantId: string, id: string): Promise<Stored<T> | undefined> {
    const container = await open();
    try {
      const { resource } = await container.item(id, requireTenant(tenantId)).read<Record<string, unknown>>();
      return resource ? clean<T>(resource) : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async function getOrThrow(tenantId: string, id: string): Promise<Stored<T>> {
    const doc = await get(tenantId, id);
    if (!doc) throw new NotFoundError(what);
    return doc;
  }

  async function create(doc: T): Promise<Stored<T>> {
    const container = await open();
    try {
      requireTenant(doc.tenantId);
      const { resource } = await container.items.create<T>(doc);
      return clean<T>(resource as unknown as Record<string, unknown>);
    } catch (err) {
      if (statusOf(err) === 409) throw new ConflictError(`The ${what} already exists.`);
      throw err;
    }
  }

  async function createIfAbsent(doc: T): Promise<{ doc: Stored<T>; created: boolean }> {
    try {
      return { doc: await create(doc), created: true };
    } catch (err) {
      if (err instanceof ConflictError) return { doc: await getOrThrow(doc.tenantId, doc.id), created: false };
      throw err;
    }
  }

  async function upsert(doc: T): Promise<Stored<T>> {
    const container = await open();
    requireTenant(doc.tenantId);
    const { resource } = await container.items.upsert<T>(doc);
    return clean<T>(resource as unknown as Record<string, unknown>);
  }

  async function replace(doc: T, ifMatch?: string): Promise<Stored<T>> {
    const container = await open();
    const etag = normaliseEtag(ifMatch);
    try {
      const { resource } = await container
        .item(doc.id, requireTenant(doc.tenantId))
        .replace<T>(doc, etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined);
      return clean<T>(resource as unknown as Record<string, unknown>);
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) throw new PreconditionFailedError();
      if (status === 404) throw new NotFoundError(what);
      throw err;
    }
  }

  async function update(
    tenantId: string,
    id: string,
    change: (current: Stored<T>) => T | undefined | Promise<T | undefined>,
    attempts = 8,
  ): Promise<Stored<T>> {
    for (let attempt = 1; ; attempt++) {
      const current = await getOrThrow(tenantId, id);
      const next = await change(current);
      if (next === undefined) return current;
      try {
        const { _etag: _ignored, ...body } = next as T & { _etag?: string };
        return await replace(body as T, current._etag);
      } catch (err) {
        if (!(err instanceof PreconditionFailedError) || attempt >= attempts) throw err;
        await sleep(Math.random() * 10 * attempt);
      }
    }
  }

  async function patch(
    tenantId: string,
    id: string,
    operations: PatchOperation[],
    ifMatch?: string,
  ): Promise<Stored<T>> {
    const container = await open();
    const etag = normaliseEtag(ifMatch);
    try {
      const { resource } = await container
        .item(id, requireTenant(tenantId))
        .patch<T>(operations, etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined);
      return clean<T>(resource as unknown as Record<string, unknown>);
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) throw new PreconditionFailedError();
      if (status === 404) throw new NotFoundError(what);
      throw err;
    }
  }

  async function patchWhere(
    tenantId: string,
    id: string,
    condition: string,
    operations: PatchOperation[],
  ): Promise<boolean> {
    const container = await open();
    try {
      await container.item(id, requireTenant(tenantId)).patch({ condition, operations });
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) return false;
      if (status === 404) throw new NotFoundError(what);
      throw err;
    }
  }

  async function remove(tenantId: string, id: string, ifMatch?: string): Promise<void> {
    const container = await open();
    const etag = normaliseEtag(ifMatch);
    try {
      await container
        .item(id, requireTenant(tenantId))
        .delete(etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined);
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) throw new NotFoundError(what);
      if (status === 412) throw new PreconditionFailedError();
      throw err;
    }
  }

  async function query(
    tenantId: string,
    sql: string,
    parameters: SqlParameter[],
    paging: { limit: number; cursor?: string },
  ): Promise<Page<Stored<T>>> {
    const container = await open();
    // A cursor continues exactly one query of one tenant in one container.
    const binding = JSON.stringify([containerName, requireTenant(tenantId), sql, parameters]);
    const iterator = container.items.query<Record<string, unknown>>(scoped(sql, parameters, tenantId), {
      partitionKey: tenantId,
      maxItemCount: paging.limit,
      continuationToken: store.cursors.open(paging.cursor, binding),
    });
    let response;
    try {
      response = await iterator.fetchNext();
    } catch (err) {
      // A genuine cursor the store no longer accepts (stale continuation) is still the client's to restart from.
      const status = statusOf(err);
      if (paging.cursor && (status === 400 || status === 500 || err instanceof SyntaxError)) {
        throw new InvalidCursorError();
      }
      throw err;
    }
    return {
      items: response.resources.map((r) => clean<T>(r)),
      nextCursor: response.hasMoreResults ? store.cursors.seal(response.continuationToken, binding) : null,
    };
  }

  async function queryAll(
    tenantId: string,
    sql: string,
    parameters: SqlParameter[] = [],
    max = 10_000,
  ): Promise<Stored<T>[]> {
    const container = await open();
    const iterator = container.items.query<Record<string, unknown>>(scoped(sql, parameters, requireTenant(tenantId)), {
      partitionKey: tenantId,
      maxItemCount: Math.min(max, 1000),
    });
    const out: Stored<T>[] = [];
    while (iterator.hasMoreResults() && out.length < max) {
      const { resources } = await iterator.fetchNext();
      out.push(...resources.map((r) => clean<T>(r)));
    }
    return out.slice(0, max);
  }

  async function count(tenantId: string, where = '', parameters: SqlParameter[] = []): Promise<number> {
    const container = await open();
    const sql = `SELECT VALUE COUNT(1) FROM c${where ? ` WHERE ${where}` : ''}`;
    const { resources } = await container.items
      .query<number>(scoped(sql, parameters, requireTenant(tenantId)), { partitionKey: tenantId })
      .fetchAll();
    return resources[0] ?? 0;
  }

  async function deleteAllOfTenant(tenantId: string): Promise<number> {
    const container = await open();
    const ids = await queryAll(tenantId, 'SELECT c.id, c.tenantId FROM c', [], 1_000_000);
    let removed = 0;
    // A few deletes in flight at once: erasure of a large tenant stays within an HTTP request's time.
    await mapLimited(ids, 8, async ({ id }) => {
      try {
        await container.item(id, tenantId).delete();
        removed++;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    });
    return removed;
  }

  return {
    containerName,
    get,
    getOrThrow,
    create,
    createIfAbsent,
    upsert,
    replace,
    update,
    patch,
    patchWhere,
    delete: remove,
    query,
    queryAll,
    count,
    deleteAllOfTenant,
  };
}
