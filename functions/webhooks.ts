/**
 * Webhooks: added, changed, tested and removed with the person's own sign-in (no token scope); their deliveries can be
 * read and sent again. Sending lives in functions/webhooks-delivery.ts.
 */
import { z } from 'zod';
import { httpRoute } from '../shared/app/http-route';
import { startDelivery } from '../shared/api-access/delivery-orchestrator';
import {
  createdWebhookSchema,
  createWebhookBody,
  deliveryViewSchema,
  toDeliveryView,
  toWebhookView,
  updateWebhookBody,
  webhookViewSchema,
} from '../shared/api-access/webhook-model';
import { resourceId } from '../shared/platform/ids';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { accepted, created, noContent, ok } from '../shared/platform/http/responses';

const webhookParams = z.object({ webhookId: resourceId });
const deliveryParams = z.object({ webhookId: resourceId, deliveryId: resourceId });

export const createWebhook = httpRoute({
  name: 'createWebhook',
  method: 'POST',
  route: 'webhooks',
  summary: 'Add a webhook (an https URL and the events it receives); the signing secret is shown only in this answer',
  tags: ['api-access'],
  body: createWebhookBody,
  response: createdWebhookSchema,
  successStatus: 201,
  async handler({ services, principal, body, correlationId }) {
    const { doc, secret } = await services
      .webhooks()
      .create(principal.tenantId, body, { actorId: principal.subject, source: 'web', correlationId });
    const result = created({ ...toWebhookView(doc), secret }, `/api/webhooks/${doc.id}`, doc._etag);
    return { ...result, headers: { ...result.headers, 'Cache-Control': 'no-store' } };
  },
});

export const listWebhooks = httpRoute({
  name: 'listWebhooks',
  method: 'GET',
  route: 'webhooks',
  summary: 'Your webhooks (without their signing secrets)',
  tags: ['api-access'],
  response: z.object({ items: z.array(webhookViewSchema) }),
  async handler({ services, principal }) {
    const docs = await services.webhooks().list(principal.tenantId);
    return ok({ items: docs.map(toWebhookView) }, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const getWebhook = httpRoute({
  name: 'getWebhook',
  method: 'GET',
  route: 'webhooks/{webhookId}',
  summary: 'One webhook',
  tags: ['api-access'],
  params: webhookParams,
  response: webhookViewSchema,
  async handler({ services, principal, params }) {
    const doc = await services.webhooks().get(principal.tenantId, params.webhookId);
    return ok(toWebhookView(doc), { etag: doc._etag, headers: { 'Cache-Control': 'no-store' } });
  },
});

export const updateWebhook = httpRoute({
  name: 'updateWebhook',
  method: 'PATCH',
  route: 'webhooks/{webhookId}',
  summary: 'Change a webhook’s URL, events or description, or turn it on or off',
  tags: ['api-access'],
  params: webhookParams,
  body: updateWebhookBody,
  response: webhookViewSchema,
  async handler({ services, principal, params, body, ifMatch, correlationId }) {
    const doc = await services
      .webhooks()
      .update(
        principal.tenantId,
        params.webhookId,
        body,
        { actorId: principal.subject, source: 'web', correlationId },
        ifMatch,
      );
    return ok(toWebhookView(doc), { etag: doc._etag });
  },
});

export const deleteWebhook = httpRoute({
  name: 'deleteWebhook',
  method: 'DELETE',
  route: 'webhooks/{webhookId}',
  summary: 'Remove a webhook; deliveries still waiting for a retry are not sent',
  tags: ['api-access'],
  params: webhookParams,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    await services
      .webhooks()
      .remove(
        principal.tenantId,
        params.webhookId,
        { actorId: principal.subject, source: 'web', correlationId },
        ifMatch,
      );
    return noContent();
  },
});

export const listWebhookDeliveries = httpRoute({
  name: 'listWebhookDeliveries',
  method: 'GET',
  route: 'webhooks/{webhookId}/deliveries',
  summary: 'A webhook’s deliveries, newest first: status, attempts, response code, duration, next retry',
  tags: ['api-access'],
  params: webhookParams,
  query: pagingQuery,
  response: pageOf(deliveryViewSchema),
  async handler({ services, principal, params, query }) {
    await services.webhooks().get(principal.tenantId, params.webhookId);
    const page = await services.webhooks().deliveries(principal.tenantId, params.webhookId, query);
    return ok(
      { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  },
});

export const testWebhook = httpRoute({
  name: 'testWebhook',
  method: 'POST',
  route: 'webhooks/{webhookId}/test',
  summary: 'Send a signed test event now, once, and answer with how the receiver responded',
  tags: ['api-access'],
  params: webhookParams,
  response: deliveryViewSchema,
  async handler({ services, principal, params }) {
    const doc = await services.webhookDelivery().test(principal.tenantId, params.webhookId);
    return ok(toDeliveryView(doc));
  },
});

export const redeliverWebhookDelivery = httpRoute({
  name: 'redeliverWebhookDelivery',
  method: 'POST',
  route: 'webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
  summary: 'Send one delivery again, with its retries (the same webhook-id, so receivers can drop a duplicate)',
  tags: ['api-access'],
  params: deliveryParams,
  response: deliveryViewSchema,
  successStatus: 202,
  durable: true,
  async handler({ services, principal, params, durableClient }) {
    const { doc, input } = await services
      .webhookDelivery()
      .redeliver(principal.tenantId, params.webhookId, params.deliveryId);
    await startDelivery(durableClient(), input);
    return accepted(toDeliveryView(doc), `/api/webhooks/${params.webhookId}/deliveries`);
  },
});
