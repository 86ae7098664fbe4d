import { agentView, createAgentBody, updateAgentBody } from '../shared/agents/agent-model';
import { httpRoute } from '../shared/app/http-route';
import { created, noContent, ok } from '../shared/platform/http/responses';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { idParams, resourceId } from '../shared/platform/ids';

const params = idParams('agentId');

export const listAgents = httpRoute({
  name: 'listAgents',
  method: 'GET',
  route: 'agents',
  summary: "The person's agents",
  tags: ['agents'],
  scope: 'agents:read',
  query: pagingQuery.extend({ templateId: resourceId.optional() }),
  response: pageOf(agentView),
  async handler({ services, principal, query }) {
    const agents = services.agents();
    const page = await agents.list(principal.tenantId, query, { templateId: query.templateId });
    return ok({ items: await Promise.all(page.items.map((a) => agents.view(a))), nextCursor: page.nextCursor });
  },
});

export const createAgent = httpRoute({
  name: 'createAgent',
  method: 'POST',
  route: 'agents',
  summary: 'Create an agent from a template (config validated by the template, optional schedule and token budget)',
  tags: ['agents'],
  scope: 'agents:write',
  body: createAgentBody,
  response: agentView,
  successStatus: 201,
  async handler({ services, principal, body, correlationId }) {
    const agents = services.agents();
    const { agent } = await agents.create(principal.tenantId, body, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return created(await agents.view(agent), `/api/agents/${agent.id}`, agent._etag);
  },
});

export const getAgent = httpRoute({
  name: 'getAgent',
  method: 'GET',
  route: 'agents/{agentId}',
  summary: 'One agent',
  tags: ['agents'],
  scope: 'agents:read',
  params,
  response: agentView,
  async handler({ services, principal, params }) {
    const agents = services.agents();
    const agent = await agents.get(principal.tenantId, params.agentId);
    return ok(await agents.view(agent), { etag: agent._etag });
  },
});

export const updateAgent = httpRoute({
  name: 'updateAgent',
  method: 'PATCH',
  route: 'agents/{agentId}',
  summary: 'Change an agent: name, config, enabled, schedule, token budget (If-Match honoured)',
  tags: ['agents'],
  scope: 'agents:write',
  params,
  body: updateAgentBody,
  response: agentView,
  async handler({ services, principal, params, body, ifMatch, correlationId }) {
    const agents = services.agents();
    const saved = await agents.update(principal.tenantId, params.agentId, body, ifMatch, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return ok(await agents.view(saved), { etag: saved._etag });
  },
});

export const deleteAgent = httpRoute({
  name: 'deleteAgent',
  method: 'DELETE',
  route: 'agents/{agentId}',
  summary: 'Delete an agent and its schedule (If-Match honoured)',
  tags: ['agents'],
  scope: 'agents:write',
  params,
  successStatus: 204,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    await services.agents().delete(principal.tenantId, params.agentId, ifMatch, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return noContent();
  },
});
