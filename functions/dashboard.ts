import { z } from 'zod';
import { buildDashboard, dashboardSchema } from '../shared/analytics/dashboard';
import { ValidationError } from '../shared/platform/errors';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;

/** A day (2026-03-01) or a date-time (its UTC day is used); only real calendar dates (no 2026-02-30 rolled over). */
const dayParam = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a real date (YYYY-MM-DD) or an ISO date-time',
  })
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v).toISOString().slice(0, 10));

export const getDashboard = httpRoute({
  name: 'getDashboard',
  method: 'GET',
  route: 'dashboard',
  summary:
    'Runs, tokens and cost, suggestion outcomes, approval latency and time saved over a period (UTC days, inclusive)',
  tags: ['insight'],
  scope: 'dashboard:read',
  query: z.object({ from: dayParam.optional(), to: dayParam.optional() }),
  response: dashboardSchema,
  async handler({ services, principal, query }) {
    const today = services.clock.now().toISOString().slice(0, 10);
    const to = query.to ?? today;
    const from =
      query.from ??
      new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    if (from > to)
      throw new ValidationError(
        '"from" must not be after "to".',
        [{ path: 'query.from', message: 'after "to"' }],
        'request',
      );
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days > MAX_DAYS)
      throw new ValidationError(
        `The period can be at most ${MAX_DAYS} days.`,
        [{ path: 'query.from', message: `more than ${MAX_DAYS} days before "to"` }],
        'request',
      );
    const dashboard = await buildDashboard(services.rollups(), principal.tenantId, from, to);
    return ok(dashboard, { headers: { 'Cache-Control': 'no-store' } });
  },
});
