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
import { z } from 'zod';
import { getServices } from '../shared/app/services';
import type { DomainEvent } from '../shared/platform/events/domain-event';
import { startApprovalWait } from '../shared/suggestions/approval-signal';

const CONNECTION = 'ServiceBusConnection';
const DEDUPE_TTL_SECONDS = 14 * 86_400;

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  tenantId: z.string().min(1),
  occurredAt: z.string(),
  correlationId: z.string().optional(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** Read at registration (app settings are in the environment by then); the same setting the publisher uses. */
const TOPIC = process.env.EVENTS_TOPIC || 'domain-events';

/** Parses the message; a malformed one is logged and dropped (redelivery would not make it valid). */
function parse(message: unknown, context: InvocationContext): DomainEvent | undefined {
  const body = typeof message === 'string' ? safeJson(message) : message;
  const result = eventSchema.safeParse(body);
  if (!result.success) {
    context.warn('dropping a malformed domain event', result.error.issues.slice(0, 3));
    return undefined;
  }
  return result.data as DomainEvent;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageIdOf(event: DomainEvent, context: InvocationContext): string {
  const id = context.triggerMetadata?.messageId;
  return typeof id === 'string' && id ? id : event.id;
}

/** Runs `work` once per message id for this subscription; a failure releases the claim so a redelivery retries. */
async function once(subscription: string, event: DomainEvent, context: InvocationContext, work: () => Promise<void>) {
  const markers = getServices().markers();
  const key = messageIdOf(event, context);
  if (!(await markers.claim(`event-${subscription}`, key, DEDUPE_TTL_SECONDS, { type: event.type }))) {
    context.log(`${subscription}: ${event.type} ${key} already handled`);
    return;
  }
  try {
    await work();
  } catch (err) {
    await markers.release(`event-${subscription}`, key);
    throw err;
  }
}

app.serviceBusTopic('approvalsOnEvents', {
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

/** The new-suggestions email of a run that ended, listing every pending suggestion of the run. */
async function runSuggestions(event: DomainEvent) {
  const { runId, suggestionIds } = event.data;
  if (typeof runId !== 'string' || !Array.isArray(suggestionIds) || suggestionIds.length === 0) return;
  await getServices().notifier().suggestionsCreated(event.tenantId, runId);
}

app.serviceBusTopic('notificationsOnEvents', {
  connection: CONNECTION,
  topicName: TOPIC,
  subscriptionName: 'notifications',
  async handler(message, context) {
    const event = parse(message, context);
    if (!event) return;
    const notifier = () => getServices().notifier();
    const data = event.data;
    switch (event.type) {
      case 'SuggestionCreated':
        // Proposals made by a run's step are announced when the run ends (below), so a workflow whose steps run in
        // parallel still makes one email; others at once. One email per run either way (the notifier claims the run).
        if (typeof data.runId === 'string' && data.stepId === undefined)
          await notifier().suggestionsCreated(event.tenantId, data.runId);
        return;
      case 'RunCompleted':
      case 'RunCancelled':
        await runSuggestions(event);
        return;
      case 'RunFailed':
        // Steps that finished before the failure may have proposed; those wait for a decision all the same.
        await runSuggestions(event);
        await once('notifications', event, context, async () => {
          await notifier().runFailed(event.tenantId, {
            runId: String(data.runId ?? event.subject.split('/').pop() ?? ''),
            agentName: String(data.agentName ?? data.agentId ?? data.workflowId ?? 'an agent'),
            error: String(data.error ?? 'The run stopped with an error.'),
            at: event.occurredAt,
          });
        });
        return;
      case 'ConnectorNeedsReauth':
        await once('notifications', event, context, async () => {
          await notifier().connectorNeedsReauth(event.tenantId, {
            provider: String(data.provider ?? 'a connected account'),
            ...(typeof data.account === 'string' ? { account: data.account } : {}),
          });
        });
        return;
      default:
        return;
    }
  },
});

app.serviceBusTopic('analyticsOnEvents', {
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
