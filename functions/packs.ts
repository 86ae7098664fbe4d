import { z } from 'zod';
import { agentView } from '../shared/agents/agent-model';
import type { InstallResult } from '../shared/packs/pack-install-service';
import { workflowView } from '../shared/packs/workflow-model';
import { httpRoute } from '../shared/app/http-route';
import { created, noContent, ok } from '../shared/platform/http/responses';
import { pageOf, pagingQuery } from '../shared/platform/http/paging';
import { idParams } from '../shared/platform/ids';

export const installView = z.object({
  installId: z.string(),
  packId: z.string(),
  installedAt: z.string(),
  timezone: z.string(),
  agentIds: z.array(z.string()),
  workflowIds: z.array(z.string()),
});

const installResult = installView.extend({
  agents: z.array(agentView),
  workflows: z.array(workflowView),
  triggers: z.array(
    z.object({
      type: z.literal('schedule'),
      workflowId: z.string(),
      cron: z.string(),
      timezone: z.string(),
      nextRunAt: z.string().nullable(),
    }),
  ),
  /** False when the pack was already installed: nothing new was created. */
  created: z.boolean(),
});

const toInstallView = (i: InstallResult['install']) => ({
  installId: i.id,
  packId: i.packId,
  installedAt: i.installedAt,
  timezone: i.timezone,
  agentIds: i.agentIds,
  workflowIds: i.workflowIds,
});

export const installPack = httpRoute({
  name: 'installPack',
  method: 'POST',
  route: 'packs/{packId}/install',
  summary:
    'Install a pack: its agents, workflows and schedule triggers (idempotent; 201 when created, 200 when already installed)',
  tags: ['packs'],
  scope: 'agents:write',
  params: idParams('packId'),
  response: installResult,
  successStatus: 201,
  async handler({ services, principal, params, correlationId }) {
    await services.tenants().ensure(principal, { correlationId, source: 'api' });
    const result = await services
      .packs()
      .install(principal.tenantId, params.packId, { actorId: principal.subject, correlationId, source: 'api' });
    const body = {
      ...toInstallView(result.install),
      agents: result.agents,
      workflows: result.workflows,
      triggers: result.triggers,
      created: result.created,
    };
    const etag = result.install._etag;
    return result.created ? created(body, `/api/packs/${result.install.id}`, etag) : ok(body, { etag });
  },
});

export const listInstalledPacks = httpRoute({
  name: 'listInstalledPacks',
  method: 'GET',
  route: 'packs',
  summary: 'Installed packs',
  tags: ['packs'],
  scope: 'agents:read',
  query: pagingQuery,
  response: pageOf(installView),
  async handler({ services, principal, query }) {
    const page = await services.packs().list(principal.tenantId, query);
    return ok({
      items: page.items.filter((i) => i.status === 'installed').map(toInstallView),
      nextCursor: page.nextCursor,
    });
  },
});

export const getInstalledPack = httpRoute({
  name: 'getInstalledPack',
  method: 'GET',
  route: 'packs/{installId}',
  summary: 'One installed pack, with its ETag (for If-Match when uninstalling)',
  tags: ['packs'],
  scope: 'agents:read',
  params: idParams('installId'),
  response: installView,
  async handler({ services, principal, params }) {
    const install = await services.packs().get(principal.tenantId, params.installId);
    return ok(toInstallView(install), { etag: install._etag });
  },
});

export const uninstallPack = httpRoute({
  name: 'uninstallPack',
  method: 'DELETE',
  route: 'packs/{installId}',
  summary:
    'Uninstall a pack: removes the agents and workflows it created and cancels their schedules (If-Match honoured)',
  tags: ['packs'],
  scope: 'agents:write',
  params: idParams('installId'),
  successStatus: 204,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    await services.packs().uninstall(principal.tenantId, params.installId, ifMatch, {
      actorId: principal.subject,
      correlationId,
      source: 'api',
    });
    return noContent();
  },
});
