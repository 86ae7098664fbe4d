import { z } from 'zod';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';
import { auditRecordSchema } from '../shared/platform/audit/audit-view';

const isoInstant = z
  .string()
  .datetime({ offset: true })
  .transform((v) => new Date(v).toISOString());

export const auditQuery = pagingQuery
  .extend({
    /** Action prefix, e.g. "suggestion" or "suggestion.approved". */
    type: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.?$/, 'must be an action or action prefix such as "suggestion.approved"')
      .max(64)
      .optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before "from"', path: ['to'] });

export const listAudit = httpRoute({
  name: 'listAudit',
  method: 'GET',
  route: 'audit',
  summary: 'Your audit trail, newest first',
  tags: ['audit'],
  scope: 'audit:read',
  query: auditQuery,
  response: pageOf(auditRecordSchema),
  async handler({ services, principal, query }) {
    const page = await services.audit().list(principal.tenantId, query);
    const items = page.items.map(
      ({ id, at, actor, action, target, outcome, source, correlationId, token, summary, before, after }) => ({
        id,
        at,
        actor,
        action,
        target,
        outcome,
        source,
        ...(correlationId ? { correlationId } : {}),
        ...(token ? { token } : {}),
        summary,
        ...(before !== undefined ? { before } : {}),
        ...(after !== undefined ? { after } : {}),
      }),
    );
    return ok({ items, nextCursor: page.nextCursor }, { headers: { 'Cache-Control': 'no-store' } });
  },
});
