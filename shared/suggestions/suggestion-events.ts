import type { Clock } from '../platform/clock';
import { domainEvent } from '../platform/events/domain-event';
import type { EventPublisher } from '../platform/events/publisher';
import type { SuggestionDoc } from './model';

type SuggestionChangeEvent =
  | 'SuggestionApproved'
  | 'SuggestionRejected'
  | 'SuggestionExecuted'
  | 'SuggestionFailed'
  | 'SuggestionExpired'
  | 'SuggestionUndone';

/** What every suggestion event says about the suggestion and where it came from. */
function originData(doc: SuggestionDoc): Record<string, unknown> {
  return {
    suggestionId: doc.id,
    kind: doc.kind,
    runId: doc.origin.runId,
    ...(doc.origin.stepId !== undefined ? { stepId: doc.origin.stepId } : {}),
    agentId: doc.origin.agentId,
  };
}

/**
 * The suggestion's domain events. They are published after the state is stored; their ids are stable per suggestion
 * and event type, so a re-publish is deduped by the consumers.
 */
export function createSuggestionEvents(deps: {
  events: () => EventPublisher;
  clock: Clock;
  log: (message: string, err?: unknown) => void;
}) {
  return {
    /**
     * The new pending suggestions of a run. Re-published on a retried run too (same event ids): consumers dedupe, and
     * a lost publish gets a second chance. A failed publish fails the run's step, which is retried.
     */
    async created(docs: SuggestionDoc[], correlationId: string | undefined): Promise<void> {
      const events = docs
        .filter((doc) => doc.status === 'pending')
        .map((doc) =>
          domainEvent(
            'SuggestionCreated',
            doc.tenantId,
            `suggestions/${doc.id}`,
            { ...originData(doc), createdAt: doc.createdAt, expiresAt: doc.expiresAt },
            { id: `SuggestionCreated:${doc.id}`, correlationId, occurredAt: new Date(doc.createdAt) },
          ),
        );
      if (events.length > 0) await deps.events().publish(events);
    },

    /** A later step of the suggestion's life. The state is already stored, so a failed publish is only logged. */
    async changed(
      type: SuggestionChangeEvent,
      doc: SuggestionDoc,
      data: Record<string, unknown>,
      correlationId?: string,
    ): Promise<void> {
      const event = domainEvent(
        type,
        doc.tenantId,
        `suggestions/${doc.id}`,
        { ...originData(doc), createdAt: doc.createdAt, ...data },
        { id: `${type}:${doc.id}`, correlationId, occurredAt: deps.clock.now() },
      );
      try {
        await deps.events().publish([event]);
      } catch (err) {
        deps.log(`could not publish ${type} for ${doc.id}`, err);
      }
    },
  };
}

export type SuggestionEvents = ReturnType<typeof createSuggestionEvents>;
