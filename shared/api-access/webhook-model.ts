import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';

/** The events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  'suggestion.created',
  'suggestion.decided',
  'suggestion.executed',
  'suggestion.failed',
  'run.completed',
  'run.failed',
  'connector.needs_reauth',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
const webhookEventSchema = z.enum(WEBHOOK_EVENTS);

export interface WebhookDoc extends TenantDoc {
  type: 'webhook';
  url: string;
  events: WebhookEvent[];
  description?: string;
  /** The signing secret (`whsec_…`), sealed with the app's key; shown to the person once. */
  sealedSecret: string;
  enabled: boolean;
  /** Why deliveries stopped (set when it was turned off after repeated failures). */
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'failed';

/** One event sent to one webhook: its attempts so far. Kept 30 days. */
export interface DeliveryDoc extends TenantDoc {
  type: 'webhook-delivery';
  webhookId: string;
  /** The Standard Webhooks `webhook-id`: the same on every attempt, so receivers can drop duplicates. */
  messageId: string;
  event: WebhookEvent | 'webhook.test';
  /** The JSON body sent (ids, kind, status, one-line action, links; never mail bodies or secrets). */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  /** How many times the person asked for it again (each runs its own series of attempts). */
  redeliveries: number;
  lastAttemptAt?: string;
  responseStatus?: number;
  durationMs?: number;
  /** Why the last attempt failed (no response, refused target, timeout), in safe words. */
  error?: string;
  nextRetryAt?: string;
  createdAt: string;
}

const urlField = z.string().trim().url().max(2000);
const eventsField = z
  .array(webhookEventSchema)
  .min(1)
  .refine((e) => new Set(e).size === e.length, { message: 'events must not repeat' });

export const createWebhookBody = z
  .object({ url: urlField, events: eventsField, description: z.string().trim().max(200).optional() })
  .strict();
export type CreateWebhookInput = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z
  .object({
    url: urlField.optional(),
    events: eventsField.optional(),
    description: z.string().trim().max(200).optional(),
    /** Turn deliveries on again (e.g. after the receiver was fixed) or off. */
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateWebhookInput = z.infer<typeof updateWebhookBody>;

export const webhookViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(webhookEventSchema),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const createdWebhookSchema = webhookViewSchema.extend({
  secret: z.string().describe('The signing secret (whsec_…). Shown only now: store it with your receiver.'),
});

export function toWebhookView(doc: WebhookDoc): z.infer<typeof webhookViewSchema> {
  return {
    id: doc.id,
    url: doc.url,
    events: doc.events,
    description: doc.description ?? null,
    enabled: doc.enabled,
    disabledReason: doc.disabledReason ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export const deliveryViewSchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'retrying', 'succeeded', 'failed']),
  attempts: z.number().int(),
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  nextRetryAt: z.string().nullable(),
  createdAt: z.string(),
});

export function toDeliveryView(doc: DeliveryDoc): z.infer<typeof deliveryViewSchema> {
  return {
    id: doc.id,
    webhookId: doc.webhookId,
    event: doc.event,
    status: doc.status,
    attempts: doc.attempts,
    responseStatus: doc.responseStatus ?? null,
    durationMs: doc.durationMs ?? null,
    error: doc.error ?? null,
    lastAttemptAt: doc.lastAttemptAt ?? null,
    nextRetryAt: doc.nextRetryAt ?? null,
    createdAt: doc.createdAt,
  };
}
