import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { CosmosStore } from '../cosmos/store';
import { createTenantRepository, type TenantDoc } from '../cosmos/tenant-repository';
import type { Page } from '../http/paging';
import { actingToken } from './acting-token';
import { redact } from './redact';

export type ActorType = 'person' | 'agent' | 'system';
export type AuditSource = 'web' | 'api' | 'schedule' | 'email-link' | 'event' | 'system';

export interface AuditEntryInput {
  tenantId: string;
  actor: { type: ActorType; id: string; name?: string };
  /** Dotted verb, e.g. "agent.created", "suggestion.approved", "run.step.completed". */
  action: string;
  target: { type: string; id: string };
  outcome: 'success' | 'failure' | 'denied';
  source: AuditSource;
  correlationId?: string;
  /** One line a person can read in their trail. */
  summary: string;
  before?: unknown;
  after?: unknown;
  /** The personal access token the action was taken with (set from the request, see `actAsToken`). */
  token?: { id: string; name: string };
}

export interface AuditRecord extends TenantDoc, Omit<AuditEntryInput, 'before' | 'after'> {
  at: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditQuery {
  limit: number;
  cursor?: string;
  type?: string;
  from?: string;
  to?: string;
}

/** Append-only audit trail, newest first. Before/after summaries are redacted on the way in. */
export interface AuditLog {
  record(entry: AuditEntryInput): Promise<AuditRecord>;
  /** The tenant's trail, newest first, filtered by action prefix and time window. */
  list(tenantId: string, query: AuditQuery): Promise<Page<AuditRecord>>;
  /** Call when a tenant's retention policy changed, so the next record and list use it. */
  retentionChanged(tenantId: string): void;
  deleteAllOfTenant(tenantId: string): Promise<number>;
}

export function createAuditLog(
  store: CosmosStore,
  clock: Clock,
  /** Days to keep records; undefined keeps them forever. */
  retentionDays?: (tenantId: string) => Promise<number | undefined>,
): AuditLog {
  const repo = createTenantRepository<AuditRecord>(store, 'audit', 'audit record');
  /** Retention per tenant, kept a minute: it is read on every write and list, and changes rarely. */
  const retentionCache = new Map<string, { days: number | undefined; until: number }>();

  async function retention(tenantId: string): Promise<number | undefined> {
    if (!retentionDays) return undefined;
    const cached = retentionCache.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.days;
    const days = await retentionDays(tenantId);
    if (retentionCache.size > 10_000) retentionCache.clear();
    retentionCache.set(tenantId, { days, until: Date.now() + 60_000 });
    return days;
  }

  return {
    retentionChanged(tenantId) {
      retentionCache.delete(tenantId);
    },

    async record(entry) {
      const at = clock.now().toISOString();
      const days = await retention(entry.tenantId);
      // An action taken with an access token names it and came through the API, whatever the caller wrote.
      const token = entry.token ?? actingToken();
      const doc: AuditRecord = {
        ...entry,
        ...(token ? { token: { id: token.id, name: token.name }, source: 'api' as const } : {}),
        // Sortable ids keep "newest first" stable for records written in the same millisecond.
        id: `${at}-${randomUUID().slice(0, 8)}`,
        at,
        before: entry.before === undefined ? undefined : redact(entry.before),
        after: entry.after === undefined ? undefined : redact(entry.after),
        ...(days ? { ttl: days * 86_400 } : {}),
      };
      return repo.create(doc);
    },

    async list(tenantId, query) {
      const where = ['c.tenantId = @tenantId'];
      const parameters = [{ name: '@tenantId', value: tenantId }];
      if (query.type) {
        where.push('STARTSWITH(c.action, @type)');
        parameters.push({ name: '@type', value: query.type });
      }
      // Retention is enforced here too: TTL reclaims space in Azure, but records past the policy are never shown.
      const days = await retention(tenantId);
      const cutoff = days ? new Date(clock.now().getTime() - days * 86_400_000).toISOString() : undefined;
      const from = cutoff && (!query.from || query.from < cutoff) ? cutoff : query.from;
      if (from) {
        where.push('c.at >= @from');
        parameters.push({ name: '@from', value: from });
      }
      if (query.to) {
        where.push('c.at < @to');
        parameters.push({ name: '@to', value: query.to });
      }
      const sql = `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.id DESC`;
      return repo.query(tenantId, sql, parameters, { limit: query.limit, cursor: query.cursor });
    },

    deleteAllOfTenant(tenantId) {
      return repo.deleteAllOfTenant(tenantId);
    },
  };
}
