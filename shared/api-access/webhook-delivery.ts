import type { Clock } from '../platform/clock';
import type { DomainEvent } from '../platform/events/domain-event';
import { NotFoundError } from '../platform/errors';
import type { Notifier } from '../communications/notifier';
import type { SafeFetch } from './safe-fetch';
import type { DeliveryDoc, WebhookDoc } from './webhook-model';
import { testPayload, webhookEventOf, webhookPayload, type SuggestionFacts } from './webhook-payloads';
import type { WebhookService } from './webhook-service';

export interface WebhookDeliveryDeps {
  clock: Clock;
  webhooks: () => WebhookService;
  fetch: () => SafeFetch;
  notifier: () => Pick<Notifier, 'webhookDisabled'>;
  /** The suggestion's kind, status and one-line action; undefined when it is gone. */
  suggestion(tenantId: string, suggestionId: string): Promise<SuggestionFacts | undefined>;
  links: { web: string; api: string };
  /** Seconds before the first retry; each next wait is four times longer, capped at 12 hours. */
  retryFirstSeconds: number;
  maxAttempts: number;
}

/** Which delivery one series of attempts works on (`series` counts the person's redeliveries). */
export interface DeliveryInput {
  tenantId: string;
  deliveryId: string;
  series: number;
}

/** After an attempt: done (delivered or given up), or when to try again. */
export type AttemptOutcome = { done: true; status: DeliveryDoc['status'] } | { done: false; retryAt: string };

const MAX_DELAY_SECONDS = 12 * 3600;

/** Seconds to wait after failed attempt `attempt` (1-based). */
export function retryDelaySeconds(attempt: number, firstSeconds: number): number {
  return Math.min(firstSeconds * 4 ** (attempt - 1), MAX_DELAY_SECONDS);
}

/** A failed attempt's reason in safe words (no stack, no internals). */
function failureOf(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'UnsafeTargetError') return e.message ?? 'The address is not allowed.';
  const cause = e.cause ?? e;
  if (cause.message && /private, loopback|does not resolve/.test(cause.message)) return cause.message;
  const code = cause.code ?? e.code;
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(code ?? ''))
    return 'The receiver did not answer in time.';
  if (code === 'ECONNREFUSED') return 'The receiver refused the connection.';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'The receiver’s name does not resolve.';
  if (code && /CERT|SSL|TLS/.test(code)) return 'The receiver’s TLS certificate is not valid.';
  return 'The receiver could not be reached.';
}

/**
 * Webhook deliveries: which webhooks an event goes to, and one signed attempt at a time (the retries between
 * attempts are the delivery orchestration's timers). A receiver's failure is an outcome of the attempt, recorded on
 * the delivery, not an error: only our own failures (the store) throw, so Durable retries those.
 */
export function createWebhookDelivery(deps: WebhookDeliveryDeps) {
  async function send(webhook: WebhookDoc, delivery: DeliveryDoc) {
    const { Webhook } = await import('standardwebhooks');
    const at = deps.clock.now();
    const signature = new Webhook(deps.webhooks().secretOf(webhook)).sign(delivery.messageId, at, delivery.payload);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'PersonalAgents-Webhooks/1.0',
      'webhook-id': delivery.messageId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
    try {
      const res = await deps.fetch().post(webhook.url, headers, delivery.payload);
      const ok = res.status >= 200 && res.status < 300;
      return {
        ok,
        responseStatus: res.status,
        durationMs: res.durationMs,
        error: ok ? undefined : `The receiver answered ${res.status}.`,
      };
    } catch (err) {
      return {
        ok: false,
        responseStatus: undefined,
        durationMs: deps.clock.now().getTime() - at.getTime(),
        error: failureOf(err),
      };
    }
  }

  async function webhookOf(tenantId: string, webhookId: string): Promise<WebhookDoc | undefined> {
    try {
      return await deps.webhooks().get(tenantId, webhookId);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  return {
    /**
     * The deliveries an event makes (one per enabled webhook listening to it), recorded once per message id; returns
     * those whose attempts have not started, so a redelivered event starts what a crash left unstarted.
     */
    async fanOut(event: DomainEvent, messageId: string): Promise<DeliveryInput[]> {
      const type = webhookEventOf(event);
      if (!type) return [];
      const hooks = await deps.webhooks().subscribers(event.tenantId, type);
      if (hooks.length === 0) return [];
      const suggestionId = typeof event.data.suggestionId === 'string' ? event.data.suggestionId : undefined;
      const facts = suggestionId ? await deps.suggestion(event.tenantId, suggestionId) : undefined;
      const payload = webhookPayload(type, event, deps.links, facts);
      const out: DeliveryInput[] = [];
      for (const hook of hooks) {
        const { doc } = await deps.webhooks().newDelivery(hook, type, messageId, payload);
        if (doc.status === 'pending' && doc.attempts === 0)
          out.push({ tenantId: doc.tenantId, deliveryId: doc.id, series: doc.redeliveries });
      }
      return out;
    },

    /** Attempt number `attempt` of a delivery: sends it signed and records the outcome. */
    async attempt(input: DeliveryInput & { attempt: number }): Promise<AttemptOutcome> {
      const svc = deps.webhooks();
      const delivery = await svc.findDelivery(input.tenantId, input.deliveryId);
      if (!delivery || delivery.redeliveries !== input.series)
        return { done: true, status: delivery?.status ?? 'failed' };
      if (delivery.status === 'succeeded' || delivery.status === 'failed')
        return { done: true, status: delivery.status };
      const webhook = await webhookOf(input.tenantId, delivery.webhookId);
      const now = () => deps.clock.now();
      if (!webhook || !webhook.enabled) {
        await svc.updateDelivery(input.tenantId, delivery.id, (d) => ({
          ...d,
          status: 'failed',
          error: webhook ? 'The webhook is turned off.' : 'The webhook was removed.',
          nextRetryAt: undefined,
        }));
        return { done: true, status: 'failed' };
      }
      const result = await send(webhook, delivery);
      const final = !result.ok && input.attempt >= deps.maxAttempts;
      const retryAt =
        result.ok || final
          ? undefined
          : new Date(now().getTime() + retryDelaySeconds(input.attempt, deps.retryFirstSeconds) * 1000).toISOString();
      const status: DeliveryDoc['status'] = result.ok ? 'succeeded' : final ? 'failed' : 'retrying';
      await svc.updateDelivery(input.tenantId, delivery.id, (d) => ({
        ...d,
        status,
        attempts: d.attempts + 1,
        lastAttemptAt: now().toISOString(),
        responseStatus: result.responseStatus,
        durationMs: result.durationMs,
        error: result.error,
        nextRetryAt: retryAt,
      }));
      if (final) {
        const reason = `${deps.maxAttempts} attempts over about a day failed (last: ${result.error ?? 'no answer'})`;
        if (await svc.disable(input.tenantId, webhook.id, reason))
          await deps.notifier().webhookDisabled(input.tenantId, { url: webhook.url, reason });
      }
      return retryAt ? { done: false, retryAt } : { done: true, status };
    },

    /** Sends a test event now, once (no retries, never turns the webhook off), and returns the delivery. */
    async test(tenantId: string, webhookId: string): Promise<DeliveryDoc> {
      const svc = deps.webhooks();
      const webhook = await svc.get(tenantId, webhookId);
      const at = deps.clock.now();
      const { doc } = await svc.newDelivery(
        webhook,
        'webhook.test',
        `test-${at.getTime()}-${Math.random()}`,
        testPayload(webhook.id, at),
      );
      const result = await send(webhook, doc);
      return svc.updateDelivery(tenantId, doc.id, (d) => ({
        ...d,
        status: result.ok ? 'succeeded' : 'failed',
        attempts: d.attempts + 1,
        lastAttemptAt: deps.clock.now().toISOString(),
        responseStatus: result.responseStatus,
        durationMs: result.durationMs,
        error: result.error,
      }));
    },

    /** Starts a delivery's attempts again from the first (the person asked); returns the series to start. */
    async redeliver(
      tenantId: string,
      webhookId: string,
      deliveryId: string,
    ): Promise<{ doc: DeliveryDoc; input: DeliveryInput }> {
      const svc = deps.webhooks();
      await svc.delivery(tenantId, webhookId, deliveryId);
      const doc = await svc.updateDelivery(tenantId, deliveryId, (d) => ({
        ...d,
        status: 'pending',
        redeliveries: d.redeliveries + 1,
        nextRetryAt: undefined,
        error: undefined,
      }));
      return { doc, input: { tenantId, deliveryId, series: doc.redeliveries } };
    },
  };
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;
