import { z } from 'zod';
import { httpRoute } from '../shared/app/http-route';
import { durableStarter } from '../shared/orchestration/durable-starter';
import { graphNotificationBody } from '../shared/events/push/graph-notifications';
import { ValidationError } from '../shared/platform/errors';

/**
 * Microsoft Graph posts change and lifecycle notifications here. Never signed in: each notification proves itself
 * with its subscription's `clientState`. A subscription is first validated: Graph posts `?validationToken=` and
 * expects it back as text/plain within 10 seconds.
 */
export const receiveGraphNotifications = httpRoute({
  name: 'receiveGraphNotifications',
  method: 'POST',
  route: 'hooks/graph',
  summary: 'Microsoft Graph change and lifecycle notifications (and the subscription validation handshake)',
  tags: ['push'],
  auth: 'none',
  durable: true,
  query: z.object({ validationToken: z.string().min(1).max(1024).optional() }),
  body: graphNotificationBody.optional(),
  successStatus: 202,
  async handler({ services, query, body, durableClient }) {
    if (query.validationToken !== undefined) {
      return {
        status: 200,
        raw: query.validationToken,
        contentType: 'text/plain; charset=utf-8',
        headers: { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' },
      };
    }
    if (!body) throw new ValidationError('The notification has no body.', [{ path: 'value', message: 'required' }]);
    await services.pushReceivers().graph(body, durableStarter(durableClient()));
    return { status: 202 };
  },
});
