import type { DomainEvent } from '../platform/events/domain-event';
import type { WebhookEvent } from './webhook-model';

/** What a suggestion event's payload says about the suggestion (read when the event is delivered). */
export interface SuggestionFacts {
  kind: string;
  status: string;
  /** The preview's one-line action, e.g. "Archive 3 newsletters". */
  action: string;
}

/** The webhook event a domain event becomes, if any. */
export function webhookEventOf(event: DomainEvent): WebhookEvent | undefined {
  switch (event.type) {
    case 'SuggestionCreated':
      return 'suggestion.created';
    case 'SuggestionApproved':
    case 'SuggestionRejected':
      return 'suggestion.decided';
    case 'SuggestionExecuted':
      return 'suggestion.executed';
    case 'SuggestionFailed':
      return 'suggestion.failed';
    case 'RunCompleted':
      return 'run.completed';
    case 'RunFailed':
      return 'run.failed';
    case 'ConnectorNeedsReauth':
      return 'connector.needs_reauth';
    default:
      return undefined;
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * The JSON body of a delivery, as the Standard Webhooks specification suggests (`type`, `timestamp`, `data`): ids,
 * kind, status, the one-line action and links into the app. Only fields named here leave: never mail bodies, tokens,
 * secrets or the event's other data.
 */
export function webhookPayload(
  type: WebhookEvent,
  event: DomainEvent,
  links: { web: string; api: string },
  suggestion?: SuggestionFacts,
): string {
  const d = event.data;
  let data: Record<string, unknown>;
  if (type.startsWith('suggestion.')) {
    const id = text(d.suggestionId) ?? event.subject.split('/').pop()!;
    data = {
      suggestionId: id,
      runId: text(d.runId) ?? null,
      agentId: text(d.agentId) ?? null,
      kind: suggestion?.kind ?? text(d.kind) ?? null,
      status: suggestion?.status ?? null,
      action: suggestion?.action ?? null,
      links: {
        app: `${links.web}/suggestions/${encodeURIComponent(id)}`,
        api: `${links.api}/api/suggestions/${encodeURIComponent(id)}`,
      },
    };
  } else if (type.startsWith('run.')) {
    const id = text(d.runId) ?? event.subject.split('/').pop()!;
    data = {
      runId: id,
      agentId: text(d.agentId) ?? null,
      workflowId: text(d.workflowId) ?? null,
      status: text(d.status) ?? (type === 'run.completed' ? 'completed' : 'failed'),
      suggestionIds: Array.isArray(d.suggestionIds) ? d.suggestionIds.filter((s) => typeof s === 'string') : [],
      links: {
        app: `${links.web}/runs/${encodeURIComponent(id)}`,
        api: `${links.api}/api/orchestration/runs/${encodeURIComponent(id)}`,
      },
    };
  } else {
    const id = text(d.connectorId) ?? event.subject.split('/').pop()!;
    data = {
      connectorId: id,
      provider: text(d.provider) ?? null,
      status: 'needs_reauth',
      links: { app: `${links.web}/connectors` },
    };
  }
  return JSON.stringify({ type, timestamp: event.occurredAt, data });
}

/** The body of a test delivery. */
export function testPayload(webhookId: string, at: Date): string {
  return JSON.stringify({
    type: 'webhook.test',
    timestamp: at.toISOString(),
    data: { webhookId, message: 'A test delivery from Personal Agents.' },
  });
}
