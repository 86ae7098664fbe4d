import type { ServiceBusSender } from '@azure/service-bus';
import type { Settings } from '../config';
import type { DomainEvent } from './domain-event';

/** The one way the app publishes domain events. Consumers subscribe to the events topic. */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
  /** Checks the broker is reachable (health). */
  ping(): Promise<void>;
}

function toMessage(event: DomainEvent) {
  return {
    messageId: event.id,
    body: event,
    contentType: 'application/json',
    subject: event.type,
    correlationId: event.correlationId,
    applicationProperties: { type: event.type, tenantId: event.tenantId },
  };
}

/** Local mode: the local runtime's broker, over its small HTTP publish API. */
function createLocalBrokerPublisher(settings: Settings): EventPublisher {
  const url = `${settings.LOCAL_BROKER_URL.replace(/\/$/, '')}/${encodeURIComponent(settings.EVENTS_TOPIC)}/messages`;
  return {
    async publish(events) {
      if (events.length === 0) return;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events.map(toMessage)),
      });
      if (!response.ok) throw new Error(`local broker refused events: ${response.status}`);
    },
    async ping() {
      const response = await fetch(settings.LOCAL_BROKER_URL);
      if (!response.ok) throw new Error(`local broker answered ${response.status}`);
    },
  };
}

/** Azure: Service Bus topic with the app's managed identity. */
function createServiceBusPublisher(settings: Settings): EventPublisher {
  let sender: Promise<ServiceBusSender> | undefined;
  const getSender = () =>
    (sender ??= (async () => {
      const [{ ServiceBusClient }, { ManagedIdentityCredential, DefaultAzureCredential }] = await Promise.all([
        import('@azure/service-bus'),
        import('@azure/identity'),
      ]);
      const namespace = settings.ServiceBusConnection__fullyQualifiedNamespace;
      if (!namespace) throw new Error('ServiceBusConnection__fullyQualifiedNamespace is not set');
      const credential = settings.AZURE_CLIENT_ID
        ? new ManagedIdentityCredential({ clientId: settings.AZURE_CLIENT_ID })
        : new DefaultAzureCredential();
      return new ServiceBusClient(namespace, credential).createSender(settings.EVENTS_TOPIC);
    })());
  return {
    async publish(events) {
      if (events.length === 0) return;
      await (await getSender()).sendMessages(events.map(toMessage));
    },
    async ping() {
      const s = await getSender();
      if (s.isClosed) throw new Error('Service Bus sender is closed');
    },
  };
}

export function createEventPublisher(settings: Settings): EventPublisher {
  return settings.EVENTS_MODE === 'servicebus'
    ? createServiceBusPublisher(settings)
    : createLocalBrokerPublisher(settings);
}
