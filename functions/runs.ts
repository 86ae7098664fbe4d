import { z } from 'zod';
import type { DurableClient } from 'durable-functions';
import { runView, startRunBody, toRunView, type RunDoc, type RunProgress } from '../shared/orchestration/run-model';
import { httpRoute } from '../shared/app/http-route';
import { accepted, ok } from '../shared/platform/http/responses';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { durableStarter } from '../shared/orchestration/durable-starter';
import { idParams, resourceId } from '../shared/platform/ids';

const params = idParams('runId');
/** The run as `GET /api/orchestration/runs/{runId}` shows it, plus `runId` (same as `id`). */
export const startedRunView = runView.extend({ runId: z.string() });

/** The orchestrator's custom status (live progress), when the instance is known. */
async function liveProgress(client: DurableClient, run: RunDoc): Promise<RunProgress | null> {
  try {
    const status = await client.getStatus(run.instanceId);
    return (status?.customStatus as RunProgress | undefined) ?? null;
  } catch {
    return null;
  }
}

export const startRun = httpRoute({
  name: 'startRun',
  method: 'POST',
  route: 'orchestration/runs',
  summary: 'Run an agent or a workflow now; answers 202 with the run to poll',
  tags: ['runs'],
  scope: 'runs:write',
  body: startRunBody,
  response: startedRunView,
  successStatus: 202,
  durable: true,
  async handler({ services, principal, body, correlationId, durableClient }) {
    const { run } = await services.runs().start(
      principal.tenantId,
      {
        target: body.agentId ? { type: 'agent', id: body.agentId } : { type: 'workflow', id: body.workflowId! },
        input: body.input,
        trigger: { type: 'manual', slot: null },
        actorId: principal.subject,
        source: 'api',
        correlationId,
      },
      durableStarter(durableClient()),
    );
    return accepted({ runId: run.id, ...toRunView(run) }, `/api/orchestration/runs/${run.id}`);
  },
});

export const listRuns = httpRoute({
  name: 'listRuns',
  method: 'GET',
  route: 'orchestration/runs',
  summary: 'Runs, newest first, filtered by status, agent or workflow',
  tags: ['runs'],
  scope: 'runs:read',
  query: pagingQuery.extend({
    status: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'stopped']).optional(),
    agentId: resourceId.optional(),
    workflowId: resourceId.optional(),
  }),
  response: pageOf(runView),
  async handler({ services, principal, query }) {
    const page = await services.runs().list(principal.tenantId, query, query);
    return ok({ items: page.items.map((r) => toRunView(r)), nextCursor: page.nextCursor });
  },
});

export const getRun = httpRoute({
  name: 'getRun',
  method: 'GET',
  route: 'orchestration/runs/{runId}',
  summary: 'A run: status, progress, steps with tokens and cost, suggestion ids, safe error',
  tags: ['runs'],
  scope: 'runs:read',
  params,
  response: runView,
  durable: true,
  async handler({ services, principal, params, durableClient }) {
    const run = await services.runs().get(principal.tenantId, params.runId);
    return ok(toRunView(run, await liveProgress(durableClient(), run)), {
      etag: run._etag,
      headers: { 'Cache-Control': 'no-store' },
    });
  },
});

export const cancelRun = httpRoute({
  name: 'cancelRun',
  method: 'POST',
  route: 'orchestration/runs/{runId}/cancel',
  summary: 'Cancel a run: it stops before its next step (409 when it already finished)',
  tags: ['runs'],
  scope: 'runs:write',
  params,
  response: runView,
  successStatus: 202,
  async handler({ services, principal, params, correlationId }) {
    const run = await services
      .runs()
      .cancel(principal.tenantId, params.runId, { actorId: principal.subject, source: 'api', correlationId });
    return accepted(toRunView(run), `/api/orchestration/runs/${run.id}`);
  },
});
