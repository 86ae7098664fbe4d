import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { assertIfMatch, createTenantRepository, type Stored } from '../platform/cosmos/tenant-repository';
import { NotFoundError, ValidationError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import type { UsageService } from '../identity/usage';
import { checkTarget, UnsafeTargetError, type Resolver } from './safe-fetch';
import type { SecretBox } from './secret-box';
import type { CreateWebhookInput, DeliveryDoc, UpdateWebhookInput, WebhookDoc, WebhookEvent } from './webhook-model';

export interface WebhookServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'createCounted' | 'giveBack'>;
  secrets: () => SecretBox;
  allowLoopback: boolean;
  resolve?: Resolver;
}

/** Deliveries are kept this long. */
const DELIVERY_TTL_SECONDS = 30 * 86_400;

/** A person's webhooks and their deliveries. Sending lives in webhook-delivery.ts. */
export interface WebhookService {
  /** Saves a webhook (its URL checked as a delivery would); the answer holds the signing secret, shown only then. */
  create(
    tenantId: string,
    input: CreateWebhookInput,
    actor: Actor,
  ): Promise<{ doc: Stored<WebhookDoc>; secret: string }>;
  list(tenantId: string): Promise<Stored<WebhookDoc>[]>;
  /** The webhook; NotFoundError for a missing one and another person's alike. */
  get(tenantId: string, webhookId: string): Promise<Stored<WebhookDoc>>;
  update(
    tenantId: string,
    webhookId: string,
    input: UpdateWebhookInput,
    actor: Actor,
    ifMatch?: string,
  ): Promise<Stored<WebhookDoc>>;
  remove(tenantId: string, webhookId: string, actor: Actor, ifMatch?: string): Promise<void>;
  /** Turns a webhook off after repeated failures (the reason is shown to the person). False if already off. */
  disable(tenantId: string, webhookId: string, reason: string): Promise<boolean>;
  /** The signing secret of a webhook, for signing a delivery. */
  secretOf(webhook: WebhookDoc): string;
  /** The person's enabled webhooks that listen to `event`. */
  subscribers(tenantId: string, event: WebhookEvent): Promise<Stored<WebhookDoc>[]>;
  /** Records one event for one webhook, once per message id (a redelivered event finds the existing delivery). */
  newDelivery(
    webhook: WebhookDoc,
    event: DeliveryDoc['event'],
    messageId: string,
    payload: string,
  ): Promise<{ doc: Stored<DeliveryDoc>; created: boolean }>;
  deliveries(
    tenantId: string,
    webhookId: string,
    paging: { limit: number; cursor?: string },
  ): Promise<Page<DeliveryDoc>>;
  /** A delivery of the webhook; NotFoundError otherwise. */
  delivery(tenantId: string, webhookId: string, deliveryId: string): Promise<Stored<DeliveryDoc>>;
  findDelivery(tenantId: string, deliveryId: string): Promise<Stored<DeliveryDoc> | undefined>;
  /** Changes a delivery (an attempt's outcome, a redelivery). */
  updateDelivery(
    tenantId: string,
    deliveryId: string,
    change: (d: Stored<DeliveryDoc>) => DeliveryDoc,
  ): Promise<Stored<DeliveryDoc>>;
}

function targetError(err: unknown): never {
  if (err instanceof UnsafeTargetError)
    throw new ValidationError(`url: ${err.message}`, [{ path: 'url', message: err.message }]);
  throw err;
}

export function createWebhookService(deps: WebhookServiceDeps): WebhookService {
  const hooks = createTenantRepository<WebhookDoc>(deps.store, 'webhooks', 'webhook');
  const deliveries = createTenantRepository<DeliveryDoc>(deps.store, 'webhookDeliveries', 'webhook delivery');
  const check = (url: string) =>
    checkTarget(url, { allowLoopback: deps.allowLoopback, resolve: deps.resolve }).catch(targetError);

  const service: WebhookService = {
    async create(tenantId, input, actor) {
      await check(input.url);
      const now = deps.clock.now().toISOString();
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const id = `whk_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      // Counted under the tier's limit: a slot is held, then charged once the webhook is written.
      const { doc } = await deps.usage().createCounted(tenantId, 'webhooks', id, async () => ({
        created: true,
        doc: await hooks.create({
          id,
          tenantId,
          type: 'webhook',
          url: input.url,
          events: input.events,
          ...(input.description ? { description: input.description } : {}),
          sealedSecret: deps.secrets().seal(secret),
          enabled: true,
          createdAt: now,
          updatedAt: now,
        }),
      }));
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'webhook.created',
        target: { type: 'webhook', id: doc.id },
        outcome: 'success',
        summary: `Added a webhook to ${doc.url} for ${doc.events.join(', ')}`,
        after: { url: doc.url, events: doc.events },
      });
      return { doc, secret };
    },

    list: (tenantId) =>
      hooks.queryAll(tenantId, "SELECT * FROM c WHERE c.type = 'webhook' ORDER BY c.createdAt DESC", [], 500),

    async get(tenantId, webhookId) {
      const doc = await hooks.get(tenantId, webhookId);
      if (!doc) throw new NotFoundError('webhook');
      return doc;
    },

    async update(tenantId, webhookId, input, actor, ifMatch) {
      // Another person's webhook is a 404 before anything about the body is said.
      assertIfMatch(ifMatch, await service.get(tenantId, webhookId));
      if (input.url) await check(input.url);
      let before: WebhookDoc | undefined;
      const saved = await hooks.update(tenantId, webhookId, (current) => {
        assertIfMatch(ifMatch, current);
        before = current;
        const enabled = input.enabled ?? current.enabled;
        return {
          ...current,
          ...(input.url ? { url: input.url } : {}),
          ...(input.events ? { events: input.events } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          enabled,
          ...(enabled ? { disabledReason: undefined } : {}),
          updatedAt: deps.clock.now().toISOString(),
        };
      });
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'webhook.updated',
        target: { type: 'webhook', id: webhookId },
        outcome: 'success',
        summary: `Changed the webhook to ${saved.url}${saved.enabled ? '' : ' (off)'}`,
        before: { url: before?.url, events: before?.events, enabled: before?.enabled },
        after: { url: saved.url, events: saved.events, enabled: saved.enabled },
      });
      return saved;
    },

    async remove(tenantId, webhookId, actor, ifMatch) {
      const doc = await service.get(tenantId, webhookId);
      assertIfMatch(ifMatch, doc);
      await hooks.delete(tenantId, webhookId);
      await deps.usage().giveBack(tenantId, 'webhooks');
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'webhook.deleted',
        target: { type: 'webhook', id: webhookId },
        outcome: 'success',
        summary: `Removed the webhook to ${doc.url}`,
      });
    },

    async disable(tenantId, webhookId, reason) {
      let changed = false;
      const current = await hooks.get(tenantId, webhookId);
      if (!current || !current.enabled) return false;
      await hooks.update(tenantId, webhookId, (doc) => {
        if (!doc.enabled) return undefined;
        changed = true;
        return { ...doc, enabled: false, disabledReason: reason, updatedAt: deps.clock.now().toISOString() };
      });
      if (changed)
        await deps.audit().record({
          tenantId,
          actor: { type: 'system', id: 'webhooks' },
          source: 'system',
          action: 'webhook.disabled',
          target: { type: 'webhook', id: webhookId },
          outcome: 'failure',
          summary: `Turned off the webhook to ${current.url}: ${reason}`,
        });
      return changed;
    },

    secretOf: (webhook) => deps.secrets().open(webhook.sealedSecret),

    subscribers: (tenantId, event) =>
      hooks.queryAll(
        tenantId,
        "SELECT * FROM c WHERE c.type = 'webhook' AND c.enabled = true AND ARRAY_CONTAINS(c.events, @event)",
        [{ name: '@event', value: event }],
        500,
      ),

    newDelivery(webhook, event, messageId, payload) {
      const id = `dlv_${createHash('sha256').update(`${webhook.id}\n${messageId}`).digest('hex').slice(0, 24)}`;
      return deliveries.createIfAbsent({
        id,
        tenantId: webhook.tenantId,
        type: 'webhook-delivery',
        webhookId: webhook.id,
        messageId: `msg_${id.slice(4)}`,
        event,
        payload,
        status: 'pending',
        attempts: 0,
        redeliveries: 0,
        createdAt: deps.clock.now().toISOString(),
        ttl: DELIVERY_TTL_SECONDS,
      });
    },

    deliveries: (tenantId, webhookId, paging) =>
      deliveries.query(
        tenantId,
        'SELECT * FROM c WHERE c.webhookId = @webhookId ORDER BY c.createdAt DESC',
        [{ name: '@webhookId', value: webhookId }],
        paging,
      ),

    async delivery(tenantId, webhookId, deliveryId) {
      const doc = await deliveries.get(tenantId, deliveryId);
      if (!doc || doc.webhookId !== webhookId) throw new NotFoundError('delivery');
      return doc;
    },

    findDelivery: (tenantId, deliveryId) => deliveries.get(tenantId, deliveryId),

    updateDelivery: (tenantId, deliveryId, change) => deliveries.update(tenantId, deliveryId, change),
  };
  return service;
}
