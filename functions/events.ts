/**
 * Consumers of the domain-events topic, one subscription each, all idempotent by message id:
 * - approvals: starts the approval wait of each new suggestion;
 * - notifications: emails about new suggestions (one per run, when it ends), failed runs and connectors that need
 *   re-consent;
 * - analytics: keeps the dashboard's daily rollups.
 * And the timer that sends daily digests.
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { createEventNotifications } from '../shared/communications/event-notifications';
import { bindingSettings } from '../shared/platform/config';
import { parseDomainEvent } from '../shared/platform/events/consumed-event';
import type { DomainEvent } from '../shared/platform/events/domain-event';
import { startApprovalWait } from '../shared/suggestions/approval-signal';

const CONNECTION = 'ServiceBusConnection';
/** The same topic the publisher sends to. */
const TOPIC = bindingSettings().EVENTS_TOPIC;

/** Parses the message; a malformed one is logged and dropped (redelivery would not make it valid). */
function parse(message: unknown, context: InvocationContext): DomainEvent | undefined {
  const parsed = parseDomainEvent(message);
  if ('issues' in parsed) {
    context.warn('dropping a malformed domain event', parsed.issues);
    return undefined;
  }
  return parsed.event;
}

function messageIdOf(event: DomainEvent, context: InvocationContext): string {
  const id = context.triggerMetadata?.messageId;
  return typeof id === 'string' && id ? id : event.id;
}

app.serviceBusTopic('startApprovalWaits', {
  connection: CONNECTION,
  topicName: TOPIC,
  subscriptionName: 'approvals',
  extraInputs: [df.input.durableClient()],
  async handler(message, context) {
    const event = parse(message, context);
    if (!event || event.type !== 'SuggestionCreated') return;
    const suggestionId = String(event.data.suggestionId ?? '');
    if (!suggestionId) return;
    // Starting is idempotent by instance id, so no dedupe marker is needed here.
    await startApprovalWait(df.getClient(context), {
      tenantId: event.tenantId,
      suggestionId,
      reminderBeforeSeconds: getServices().settings.SUGGESTION_REMINDER_BEFORE_SECONDS,
    });
  },
});

app.serviceBusTopic('notifyOnEvents', {
  connection: CONNECTION,
  topicName: TOPIC,
  subscriptionName: 'notifications',
  async handler(message, context) {
    const event = parse(message, context);
    if (!event) return;
    const services = getServices();
    await createEventNotifications({
      notifier: services.notifier,
      markers: services.markers,
      log: (line) => context.log(line),
    }).handle(event, messageIdOf(event, context));
  },
});

app.serviceBusTopic('updateAnalytics', {
  connection: CONNECTION,
  topicName: TOPIC,
  subscriptionName: 'analytics',
  async handler(message, context) {
    const event = parse(message, context);
    if (!event) return;
    // The rollup store dedupes by event id itself (one event counts once).
    const outcome = await getServices()
      .rollups()
      .record({ ...event, id: messageIdOf(event, context) });
    if (outcome === 'duplicate') context.log(`analytics: ${event.type} ${event.id} already counted`);
  },
});

app.timer('sendDigests', {
  schedule: '0 */15 * * * *',
  async handler(_timer, context) {
    const sent = await getServices().notifier().sendDueDigests();
    if (sent > 0) context.log(`sent ${sent} digest email(s)`);
  },
});
