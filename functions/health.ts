import { healthResponse } from '../shared/platform/health/health-view';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

export const getHealth = httpRoute({
  name: 'getHealth',
  method: 'GET',
  route: 'health',
  auth: 'none',
  summary: 'Health of the app and each component it depends on',
  tags: ['health'],
  response: healthResponse,
  durable: true,
  // Probed by the platform; its checks are cached, so a burst of probes costs nothing downstream.
  rateLimited: false,
  async handler({ services, durableClient, log }) {
    const report = await services.health().report(
      {
        cosmos: () => services.cosmos().ping(),
        blob: () => services.blobs().ping(),
        durable: async () => {
          await durableClient().getStatusBy({
            createdTimeFrom: new Date(Date.now() - 1000),
            createdTimeTo: new Date(),
          });
        },
        broker: () => services.events().ping(),
      },
      (component, err) => log.warn(`health check of ${component} failed`, { error: (err as Error)?.message }),
    );
    return { ...ok(report), status: report.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } };
  },
});
