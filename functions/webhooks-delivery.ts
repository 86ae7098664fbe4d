/**
 * Webhook deliveries: the consumer that turns domain events into deliveries (subscription `webhooks`, idempotent by
 * message id), and the orchestration that attempts each one with retries. The logic lives in shared/api-access/.
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import {
  createDeliveryOrchestrator,
  DELIVERY_ACTIVITY_RETRIES,
  DELIVERY_ORCHESTRATOR,
  startDelivery,
  type DeliveryActivities,
} from '../shared/api-access/delivery-orchestrator';
import type { DeliveryInput } from '../shared/api-access/webhook-delivery';
import { bindingSettings } from '../shared/platform/config';
import { parseDomainEvent } from '../shared/platform/events/consumed-event';
import { activityHandles } from '../shared/platform/durable/activity-handles';

const registered = {
  attempt: df.app.activity('attemptWebhookDelivery', {
    handler: (input: DeliveryInput & { attempt: number }) => getServices().webhookDelivery().attempt(input),
  }),
};

df.app.orchestration(
  DELIVERY_ORCHESTRATOR,
  createDeliveryOrchestrator(activityHandles<DeliveryActivities>(registered, DELIVERY_ACTIVITY_RETRIES)),
);

/** Records the event's deliveries and starts their attempts; a redelivered message starts only what did not start. */
export async function deliverWebhooks(message: unknown, context: InvocationContext): Promise<void> {
  const parsed = parseDomainEvent(message);
  if ('issues' in parsed) {
    context.warn('dropping a malformed domain event', parsed.issues);
    return;
  }
  const id = context.triggerMetadata?.messageId;
  const messageId = typeof id === 'string' && id ? id : parsed.event.id;
  const deliveries = await getServices().webhookDelivery().fanOut(parsed.event, messageId);
  const client = df.getClient(context);
  for (const input of deliveries) await startDelivery(client, input);
}

app.serviceBusTopic('deliverWebhooks', {
  connection: 'ServiceBusConnection',
  topicName: bindingSettings().EVENTS_TOPIC,
  subscriptionName: 'webhooks',
  extraInputs: [df.input.durableClient()],
  handler: deliverWebhooks,
});
