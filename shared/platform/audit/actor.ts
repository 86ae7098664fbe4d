import type { ActorType, AuditSource } from './audit-log';

/**
 * Who acted, from where, in which request: the one shape every audited change carries, from the route
 * (or the scheduler, an email link, an event) down to the audit record.
 */
export interface Actor {
  /** The person's subject, or the name of the system part that acted (e.g. "scheduler", "billing"). */
  actorId: string;
  /** A person unless said otherwise. */
  actorType?: ActorType;
  source: AuditSource;
  correlationId?: string;
}

/** The audit fields that say who acted, from where, in which request. */
export function auditedAs(actor: Actor) {
  return {
    actor: { type: actor.actorType ?? 'person', id: actor.actorId },
    source: actor.source,
    correlationId: actor.correlationId,
  };
}
