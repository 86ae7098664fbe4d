import { randomUUID } from 'node:crypto';

/** Names of the domain events that cross context boundaries. */
export type DomainEventType =
  | 'TenantProvisioned'
  | 'TenantDeleted'
  | 'RunStarted'
  | 'RunCompleted'
  | 'RunFailed'
  | 'RunCancelled'
  | 'SuggestionCreated'
  | 'SuggestionApproved'
  | 'SuggestionRejected'
  | 'SuggestionExecuted'
  | 'SuggestionFailed'
  | 'SuggestionExpired'
  | 'SuggestionUndone'
  | 'ConnectorConnected'
  | 'ConnectorNeedsReauth'
  | 'ConnectorDisconnected';

export interface DomainEvent<D = Record<string, unknown>> {
  /** Unique per event; consumers dedupe on it (it becomes the Service Bus message id). */
  id: string;
  type: DomainEventType;
  tenantId: string;
  occurredAt: string;
  correlationId?: string;
  /** The resource the event is about, e.g. "runs/<id>". */
  subject: string;
  data: D;
}

export function domainEvent<D>(
  type: DomainEventType,
  tenantId: string,
  subject: string,
  data: D,
  opts: { id?: string; correlationId?: string; occurredAt?: Date } = {},
): DomainEvent<D> {
  return {
    id: opts.id ?? randomUUID(),
    type,
    tenantId,
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    correlationId: opts.correlationId,
    subject,
    data,
  };
}
