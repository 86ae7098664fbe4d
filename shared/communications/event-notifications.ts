import { handleOnce, type ConsumedMarkers } from '../platform/events/consumed-event';
import type { DomainEvent } from '../platform/events/domain-event';
import type { Notifier } from './notifier';
import type { FailedRun, RunFailure } from './templates';

const SUBSCRIPTION = 'notifications';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** A RunFailed event as the failure email needs it: the agent or workflow by name, and what kind of cause it was. */
function failedRun(event: DomainEvent): FailedRun {
  const data = event.data;
  const target = (data.target ?? {}) as { type?: string; id?: string; name?: string };
  const type = target.type === 'workflow' || (!target.type && text(data.workflowId)) ? 'workflow' : 'agent';
  const id = text(target.id) ?? text(type === 'workflow' ? data.workflowId : data.agentId) ?? '';
  const reason = text(data.reason) ?? text(data.error) ?? 'The run stopped with an error.';
  const cause = (data.failureCause ?? {}) as { kind?: string };
  const limit = (data.stopLimit ?? {}) as { resetsAt?: string | null };
  const failure: RunFailure =
    data.stopKind === 'limit' || data.stopKind === 'budget'
      ? { kind: 'limit', reason, resetsAt: text(limit.resetsAt) ?? null }
      : cause.kind === 'reconnect'
        ? { kind: 'reconnect', reason }
        : cause.kind === 'model'
          ? { kind: 'model', reason }
          : { kind: 'other', reason };
  return {
    runId: text(data.runId) ?? event.subject.split('/').pop() ?? '',
    target: { type, id, name: text(target.name) ?? (type === 'workflow' ? 'Your workflow' : 'Your agent') },
    at: event.occurredAt,
    failure,
  };
}

/**
 * Which domain events become which emails: new suggestions (one email per run, when it ends), failed runs and
 * connectors that need re-consent. Idempotent per message id.
 */
export function createEventNotifications(deps: {
  notifier: () => Pick<Notifier, 'suggestionsCreated' | 'runFailed' | 'connectorNeedsReauth'>;
  markers: () => ConsumedMarkers;
  log?: (message: string) => void;
}) {
  const once = async (event: DomainEvent, messageId: string, work: () => Promise<void>) => {
    if (!(await handleOnce(deps.markers(), SUBSCRIPTION, messageId, event, work)))
      deps.log?.(`${SUBSCRIPTION}: ${event.type} ${messageId} already handled`);
  };

  /** The new-suggestions email of a run that ended, listing every pending suggestion of the run. */
  async function runSuggestions(event: DomainEvent) {
    const { runId, suggestionIds } = event.data;
    if (typeof runId !== 'string' || !Array.isArray(suggestionIds) || suggestionIds.length === 0) return;
    await deps.notifier().suggestionsCreated(event.tenantId, runId);
  }

  return {
    async handle(event: DomainEvent, messageId: string): Promise<void> {
      const data = event.data;
      switch (event.type) {
        case 'SuggestionCreated':
          // Proposals made by a run's step are announced when the run ends (below), so a workflow whose steps run in
          // parallel still makes one email; others at once. One email per run either way (the notifier claims the run).
          if (typeof data.runId === 'string' && data.stepId === undefined)
            await deps.notifier().suggestionsCreated(event.tenantId, data.runId);
          return;
        case 'RunCompleted':
        case 'RunCancelled':
          await runSuggestions(event);
          return;
        case 'RunFailed':
          // Steps that finished before the failure may have proposed; those wait for a decision all the same.
          await runSuggestions(event);
          await once(event, messageId, async () => {
            await deps.notifier().runFailed(event.tenantId, failedRun(event));
          });
          return;
        case 'ConnectorNeedsReauth':
          await once(event, messageId, async () => {
            await deps.notifier().connectorNeedsReauth(event.tenantId, {
              provider: String(data.provider ?? 'a connected account'),
              ...(typeof data.account === 'string' ? { account: data.account } : {}),
            });
          });
          return;
        default:
          return;
      }
    },
  };
}
