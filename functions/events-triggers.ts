/**
 * Event triggers: the catalog of event kinds, the poll timer (for every watched source where no push notification
 * arrives) and the consumer that settles event-triggered runs (starting the one follow-up a burst asked for). Push
 * receivers call the same seam, `services.changeSignals().signal(...)`.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { httpRoute } from '../shared/app/http-route';
import { z } from 'zod';
import { connectorSyncView, eventCatalog, eventCatalogView } from '../shared/events/event-kinds';
import { triggerStatus, triggerStatusView } from '../shared/events/trigger-status';
import { idParams, resourceId } from '../shared/platform/ids';
import { runPollTick } from '../shared/events/poller';
import { durableStarter } from '../shared/orchestration/durable-starter';
import { bindingSettings } from '../shared/platform/config';
import { pollTimerSchedule } from '../shared/platform/config/events';
import { parseDomainEvent } from '../shared/platform/events/consumed-event';
import { ok } from '../shared/platform/http/responses';

export const listEventKinds = httpRoute({
  name: 'listEventKinds',
  method: 'GET',
  route: 'catalog/events',
  summary: 'The event kinds a trigger can name, the connector families each needs and the filters each takes',
  tags: ['catalog'],
  scope: 'agents:read',
  response: eventCatalogView,
  async handler() {
    return ok(eventCatalog());
  },
});

export const getTriggerStatus = httpRoute({
  name: 'getTriggerStatus',
  method: 'GET',
  route: 'triggers/{targetType}/{targetId}',
  summary: "An agent's or workflow's event triggers: how changes reach them, the last trigger, the run in flight",
  tags: ['agents'],
  scope: 'agents:read',
  params: z.object({ targetType: z.enum(['agent', 'workflow']), targetId: resourceId }),
  response: triggerStatusView,
  async handler({ services, principal, params }) {
    const target =
      params.targetType === 'agent'
        ? await services.agents().get(principal.tenantId, params.targetId)
        : await services.workflows().get(principal.tenantId, params.targetId);
    const [state, connectors, push] = await Promise.all([
      services.coalescer().get(principal.tenantId, { type: params.targetType, id: params.targetId }),
      services.connectorService().list(principal.tenantId),
      services.pushSubscriptions().statesOf(principal.tenantId),
    ]);
    const withPush = connectors.map((c) => (push[c.id] ? { ...c, push: push[c.id] } : c));
    return ok(triggerStatus(target.events ?? [], state, withPush, services.settings.EVENT_POLL_SECONDS), {
      headers: { 'Cache-Control': 'no-store' },
    });
  },
});

export const getConnectorSync = httpRoute({
  name: 'getConnectorSync',
  method: 'GET',
  route: 'connectors/{connectorId}/sync',
  summary: 'How reading changes at a connected account went: saved positions it refused (a full window was read once)',
  tags: ['connectors'],
  scope: 'connectors:read',
  params: idParams('connectorId'),
  response: connectorSyncView,
  async handler({ services, principal, params }) {
    await services.connectors().get(principal.tenantId, params.connectorId);
    const sync = await services.watermarks().syncOf(principal.tenantId, params.connectorId);
    return ok({
      connectorId: params.connectorId,
      fallbacks: sync?.fallbacks ?? 0,
      lastFallback: sync?.lastFallback ?? null,
    });
  },
});

async function pollWatchedSources(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const report = await runPollTick(
    {
      triggers: services.triggers,
      connectors: services.connectors,
      probe: services.changeProbe,
      signals: services.changeSignals,
      pollSeconds: services.settings.EVENT_POLL_SECONDS,
      concurrency: services.settings.EVENT_POLL_CONCURRENCY,
      batch: services.settings.EVENT_POLL_BATCH,
      startPush: (tenantId, connectorId, source) => services.pushSubscriptions().ensure(tenantId, connectorId, source),
    },
    services.clock.now(),
    durableStarter(df.getClient(context)),
  );
  if (report.changed || report.failures)
    context.log(
      `poller: looked at ${report.polled}, changed ${report.changed}, runs started ${report.started}, failures ${report.failures}`,
    );
}

app.timer('pollWatchedSources', {
  schedule: pollTimerSchedule(),
  handler: pollWatchedSources,
  extraInputs: [df.input.durableClient()],
});

app.serviceBusTopic('settleEventRuns', {
  connection: 'ServiceBusConnection',
  topicName: bindingSettings().EVENTS_TOPIC,
  subscriptionName: 'event-runs',
  extraInputs: [df.input.durableClient()],
  async handler(message, context) {
    const parsed = parseDomainEvent(message);
    if ('issues' in parsed) return;
    const { event } = parsed;
    if (!['RunCompleted', 'RunFailed', 'RunCancelled'].includes(event.type) || event.data.trigger !== 'event') return;
    const runId = String(event.data.runId ?? '');
    const agentId = typeof event.data.agentId === 'string' ? event.data.agentId : undefined;
    const workflowId = typeof event.data.workflowId === 'string' ? event.data.workflowId : undefined;
    const target = agentId
      ? { type: 'agent' as const, id: agentId }
      : workflowId
        ? { type: 'workflow' as const, id: workflowId }
        : undefined;
    if (!runId || !target) return;
    // Idempotent: only the run still recorded in flight is settled, so a redelivery starts nothing.
    const followUp = await getServices()
      .coalescer()
      .settle(event.tenantId, target, runId, durableStarter(df.getClient(context)));
    if (followUp) context.log(`events: ${runId} ended with changes waiting; started ${followUp}`);
  },
});
