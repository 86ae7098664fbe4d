/**
 * Connects the app's Service Bus bindings to the local broker: `serviceBusTrigger` functions become consumers
 * (queue, or topic + subscription), and `serviceBus` output bindings of any invocation are published to their queue
 * or topic. The trigger gets the message body and the host's trigger metadata (MessageId, DeliveryCount,
 * EnqueuedTimeUtc, SequenceNumber, CorrelationId, ContentType, Subject, ApplicationProperties).
 */
import type { RpcTypedData } from '../host/core-types';
import type { FunctionsCore } from '../host/functions-core';
import { invokeFunction, triggerOf } from '../host/invoke';
import { subscriptionEntity, type Broker, type BrokerMessage, type IncomingMessage } from './broker';

function bodyData(body: unknown): RpcTypedData {
  if (typeof body === 'string') return { string: body };
  if (body instanceof Uint8Array) return { bytes: body };
  return { json: JSON.stringify(body ?? null) };
}

function triggerMetadataOf(message: BrokerMessage): Record<string, RpcTypedData> {
  const meta: Record<string, RpcTypedData> = {
    MessageId: { string: message.messageId },
    DeliveryCount: { int: message.deliveryCount },
    EnqueuedTimeUtc: { string: message.enqueuedTimeUtc },
    SequenceNumber: { int: message.sequenceNumber },
    ApplicationProperties: { json: JSON.stringify(message.applicationProperties ?? {}) },
    UserProperties: { json: JSON.stringify(message.applicationProperties ?? {}) },
  };
  if (message.correlationId !== undefined) meta.CorrelationId = { string: message.correlationId };
  if (message.contentType !== undefined) meta.ContentType = { string: message.contentType };
  if (message.subject !== undefined) {
    meta.Subject = { string: message.subject };
    meta.Label = { string: message.subject };
  }
  return meta;
}

/** Registers every Service Bus trigger of the app as a broker consumer. Returns their descriptions. */
export function connectServiceBusTriggers(core: FunctionsCore, broker: Broker, maxConcurrentCalls: number): string[] {
  const described: string[] = [];
  for (const fn of core.functions.values()) {
    const trigger = triggerOf(fn);
    if (trigger.type.toLowerCase() !== 'servicebustrigger') continue;
    const { queueName, topicName, subscriptionName } = trigger.binding as Record<string, string | undefined>;
    if (trigger.binding.isSessionsEnabled) {
      throw new Error(
        `Function "${fn.metadata.name}" uses Service Bus sessions, which the local broker does not support.`,
      );
    }
    if (trigger.binding.cardinality === 'many') {
      throw new Error(
        `Function "${fn.metadata.name}" takes message batches (cardinality "many"), which the local broker does not support.`,
      );
    }
    let entity: string;
    if (queueName) entity = queueName;
    else if (topicName && subscriptionName) entity = subscriptionEntity(topicName, subscriptionName);
    else
      throw new Error(
        `Function "${fn.metadata.name}" has a Service Bus trigger without queueName or topicName + subscriptionName.`,
      );
    const name = fn.metadata.name;
    broker.addConsumer(
      {
        functionName: name,
        entity,
        maxConcurrentCalls,
        async handle(message) {
          await invokeFunction(name, bodyData(message.body), triggerMetadataOf(message));
        },
      },
      queueName ? undefined : topicName,
    );
    described.push(`${name}: ${entity}`);
  }
  return described;
}

/** Turns one Service Bus output value into broker messages (an array sends one message per element). */
function outputMessages(data: RpcTypedData): IncomingMessage[] {
  let value: unknown;
  if (typeof data.json === 'string') value = JSON.parse(data.json);
  else if (typeof data.string === 'string') value = data.string;
  else if (data.bytes) value = Buffer.from(data.bytes).toString('utf8');
  else if (data.int !== undefined && data.int !== null) value = Number(data.int);
  else if (data.double !== undefined && data.double !== null) value = data.double;
  else return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((body) => ({ body }));
}

/** Publishes the `serviceBus` outputs of an invocation. */
export function serviceBusOutputSink(broker: Broker) {
  return async (functionName: string, binding: Record<string, unknown>, data: RpcTypedData): Promise<void> => {
    if (String(binding.type).toLowerCase() !== 'servicebus') {
      throw new Error(
        `Function "${functionName}" has an output binding of type "${binding.type}", which the local runtime does not provide.`,
      );
    }
    const target = (binding.queueName ?? binding.topicName) as string | undefined;
    if (!target) throw new Error(`Function "${functionName}" has a Service Bus output without queueName or topicName.`);
    await broker.publish(target, outputMessages(data), binding.queueName ? 'queue' : 'topic').saved;
  };
}
