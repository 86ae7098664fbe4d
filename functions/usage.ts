import { usageResponse } from '../shared/identity/views';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

export const getUsage = httpRoute({
  name: 'getUsage',
  method: 'GET',
  route: 'usage',
  summary: "Your usage against your plan's limits, today and this month (UTC periods)",
  tags: ['identity'],
  response: usageResponse,
  async handler({ services, principal }) {
    const { tier, limits, today, month } = await services.usage().report(principal.tenantId);
    return ok({ tier, limits, today, month }, { headers: { 'Cache-Control': 'no-store' } });
  },
});
