import { createWorkflowBody, updateWorkflowBody, workflowView } from '../shared/packs/workflow-model';
import { httpRoute } from '../shared/app/http-route';
import { created, noContent, ok } from '../shared/platform/http/responses';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { idParams } from '../shared/platform/ids';

const params = idParams('workflowId');

export const listWorkflows = httpRoute({
  name: 'listWorkflows',
  method: 'GET',
  route: 'workflows',
  summary: "The person's workflows",
  tags: ['workflows'],
  scope: 'agents:read',
  query: pagingQuery,
  response: pageOf(workflowView),
  async handler({ services, principal, query }) {
    const workflows = services.workflows();
    const page = await workflows.list(principal.tenantId, query);
    return ok({ items: await Promise.all(page.items.map((w) => workflows.view(w))), nextCursor: page.nextCursor });
  },
});

export const createWorkflow = httpRoute({
  name: 'createWorkflow',
  method: 'POST',
  route: 'workflows',
  summary: "Create a sequential or parallel (+ coordinator) workflow of the person's agents",
  tags: ['workflows'],
  scope: 'agents:write',
  body: createWorkflowBody,
  response: workflowView,
  successStatus: 201,
  async handler({ services, principal, body, correlationId }) {
    const workflows = services.workflows();
    const { workflow } = await workflows.create(principal.tenantId, body, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return created(await workflows.view(workflow), `/api/workflows/${workflow.id}`, workflow._etag);
  },
});

export const getWorkflow = httpRoute({
  name: 'getWorkflow',
  method: 'GET',
  route: 'workflows/{workflowId}',
  summary: 'One workflow',
  tags: ['workflows'],
  scope: 'agents:read',
  params,
  response: workflowView,
  async handler({ services, principal, params }) {
    const workflows = services.workflows();
    const workflow = await workflows.get(principal.tenantId, params.workflowId);
    return ok(await workflows.view(workflow), { etag: workflow._etag });
  },
});

export const updateWorkflow = httpRoute({
  name: 'updateWorkflow',
  method: 'PATCH',
  route: 'workflows/{workflowId}',
  summary: 'Change a workflow (validated again; If-Match honoured)',
  tags: ['workflows'],
  scope: 'agents:write',
  params,
  body: updateWorkflowBody,
  response: workflowView,
  async handler({ services, principal, params, body, ifMatch, correlationId }) {
    const workflows = services.workflows();
    const saved = await workflows.update(principal.tenantId, params.workflowId, body, ifMatch, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return ok(await workflows.view(saved), { etag: saved._etag });
  },
});

export const deleteWorkflow = httpRoute({
  name: 'deleteWorkflow',
  method: 'DELETE',
  route: 'workflows/{workflowId}',
  summary: 'Delete a workflow and its schedule (If-Match honoured)',
  tags: ['workflows'],
  scope: 'agents:write',
  params,
  successStatus: 204,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    await services.workflows().delete(principal.tenantId, params.workflowId, ifMatch, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return noContent();
  },
});
