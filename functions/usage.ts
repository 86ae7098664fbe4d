import { usageResponse } from '../shared/identity/views';
import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/app/services';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

export const getUsage = httpRoute({
  name: 'getUsage',
  method: 'GET',
  route: 'usage',
  summary: "Your usage against your plan's limits, today and this month (UTC periods)",
  tags: ['identity'],
  scope: 'usage:read',
  response: usageResponse,
  async handler({ services, principal }) {
    const { tier, limits, today, month } = await services.usage().report(principal.tenantId);
    return ok({ tier, limits, today, month }, { headers: { 'Cache-Control': 'no-store' } });
  },
});

/**
 * Every minute: reservations whose model call never finished (the worker died mid-call) are released, so a crash
 * cannot hold a person's budget forever. A reservation lives as long as its call may take, retries included.
 */
export async function sweepReservations(_timer: unknown, context: InvocationContext): Promise<void> {
  const released = await getServices().usage().sweepReservations();
  if (released) context.log(`usage: released ${released} expired reservation(s)`);
}

app.timer('sweepReservations', { schedule: '30 * * * * *', handler: sweepReservations });
