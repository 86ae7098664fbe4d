import type * as df from 'durable-functions';
import { RetryOptions } from 'durable-functions';
import { result, type ActivityHandles, type ActivityRetries } from '../platform/durable/activity-handles';
import type { AttemptOutcome, DeliveryInput } from './webhook-delivery';

export const DELIVERY_ORCHESTRATOR = 'webhookDelivery';

/** One series of attempts per delivery (and per redelivery); the id carries the tenant so erasure can find it. */
function deliveryInstanceId(input: DeliveryInput): string {
  return `webhook:${input.tenantId}:${input.deliveryId}:${input.series}`;
}

/** The activities the delivery orchestration calls. */
export type DeliveryActivities = {
  attempt: (input: DeliveryInput & { attempt: number }) => Promise<AttemptOutcome>;
};

/** The store failing under an attempt is retried a few times; a receiver's failure is the orchestration's to retry. */
export const DELIVERY_ACTIVITY_RETRIES: ActivityRetries<DeliveryActivities> = {
  attempt: Object.assign(new RetryOptions(5_000, 4), { backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 60_000 }),
};

/**
 * Delivers one event to one webhook at least once: an attempt, and after a failed one a durable timer until the next
 * (exponential backoff, about a day in all), until delivered or given up. A durable timer rather than a delivery
 * document polled by a timer: no due-time index and no scan across tenants, the wait costs nothing while it lasts,
 * and a restart resumes exactly where it was. Deterministic: time comes from the activity's answer.
 */
export function createDeliveryOrchestrator(activities: ActivityHandles<DeliveryActivities>) {
  return function* deliveryOrchestrator(context: df.OrchestrationContext): Generator<df.Task, string, unknown> {
    const input = context.df.getInput<DeliveryInput>();
    for (let attempt = 1; ; attempt++) {
      const outcome = yield* result(activities.attempt({ ...input, attempt }));
      if (outcome.done) return outcome.status;
      context.df.setCustomStatus({ attempt, nextRetryAt: outcome.retryAt });
      yield context.df.createTimer(new Date(outcome.retryAt));
    }
  };
}

/** Starts a delivery's series of attempts once (a second start of the same series is a no-op). */
export async function startDelivery(client: df.DurableClient, input: DeliveryInput): Promise<void> {
  const instanceId = deliveryInstanceId(input);
  const status = await client.getStatus(instanceId).catch(() => undefined);
  if (status?.runtimeStatus) return;
  try {
    await client.startNew(DELIVERY_ORCHESTRATOR, { instanceId, input });
  } catch (err) {
    // Started concurrently by another redelivery of the same event.
    const code = (err as { statusCode?: unknown; status?: unknown }).statusCode ?? (err as { status?: unknown }).status;
    if (code !== 409 && !/\b409\b/.test(err instanceof Error ? err.message : String(err))) throw err;
  }
}
