import { z } from 'zod';
import type { DomainEvent } from './domain-event';

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  tenantId: z.string().min(1),
  occurredAt: z.string(),
  correlationId: z.string().optional(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** A domain event as a consumer receives it (a Service Bus message body), or why it is not one. */
export function parseDomainEvent(message: unknown): { event: DomainEvent } | { issues: z.core.$ZodIssue[] } {
  const body = typeof message === 'string' ? safeJson(message) : message;
  const result = eventSchema.safeParse(body);
  return result.success ? { event: result.data as DomainEvent } : { issues: result.error.issues.slice(0, 3) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Claims made once per message id and subscription (the `system` container's markers). */
export interface ConsumedMarkers {
  claim(kind: string, key: string, ttlSeconds: number, data?: Record<string, unknown>): Promise<boolean>;
  release(kind: string, key: string): Promise<void>;
}

const DEDUPE_TTL_SECONDS = 14 * 86_400;

/**
 * Runs `work` once per message id for a subscription; a failure releases the claim so a redelivery retries.
 * Returns false when the message was already handled.
 */
export async function handleOnce(
  markers: ConsumedMarkers,
  subscription: string,
  messageId: string,
  event: DomainEvent,
  work: () => Promise<void>,
): Promise<boolean> {
  if (!(await markers.claim(`event-${subscription}`, messageId, DEDUPE_TTL_SECONDS, { type: event.type })))
    return false;
  try {
    await work();
  } catch (err) {
    await markers.release(`event-${subscription}`, messageId);
    throw err;
  }
  return true;
}
