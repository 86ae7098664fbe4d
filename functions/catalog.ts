import { z } from 'zod';
import { TEMPLATES, getTemplate } from '../shared/catalog/templates';
import { templateView, toTemplateView } from '../shared/catalog/template-view';
import { PACKS, getPack } from '../shared/packs/built-in-packs';
import { packOfferView, packView, toPackView } from '../shared/packs/pack-view';
import { combinedNeeds } from '../shared/catalog/template-needs';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';
import { idParams } from '../shared/platform/ids';

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.null() });

export const listTemplates = httpRoute({
  name: 'listTemplates',
  method: 'GET',
  route: 'catalog/templates',
  summary: 'The built-in agent templates',
  tags: ['catalog'],
  scope: 'agents:read',
  response: list(templateView),
  async handler() {
    return ok({ items: TEMPLATES.map(toTemplateView), nextCursor: null });
  },
});

export const getTemplateRoute = httpRoute({
  name: 'getTemplate',
  method: 'GET',
  route: 'catalog/templates/{templateId}',
  summary: 'One agent template, with its config schema and the scopes it needs',
  tags: ['catalog'],
  scope: 'agents:read',
  params: idParams('templateId'),
  response: templateView,
  async handler({ params }) {
    return ok(toTemplateView(getTemplate(params.templateId)));
  },
});

export const listPacks = httpRoute({
  name: 'listPacks',
  method: 'GET',
  route: 'catalog/packs',
  summary: 'The built-in agent packs',
  tags: ['catalog'],
  scope: 'agents:read',
  response: list(packView),
  async handler({ services, principal }) {
    const onPlan = await services.packs().planSchedules(principal.tenantId);
    return ok({ items: PACKS.map((pack) => toPackView(pack, onPlan)), nextCursor: null });
  },
});

export const getPackRoute = httpRoute({
  name: 'getPack',
  method: 'GET',
  route: 'catalog/packs/{packId}',
  summary: 'One pack: its agents, workflows, triggers and the connector scopes it needs',
  tags: ['catalog'],
  scope: 'agents:read',
  params: idParams('packId'),
  response: packOfferView,
  async handler({ services, principal, params }) {
    const pack = getPack(params.packId);
    const { tenantId } = principal;
    const connectors = services.connectorService();
    const needs = combinedNeeds(pack.agents.map((a) => a.templateId));
    // An access token without connectors:read sees no accounts (the sign-in in the web app always does).
    const readsConnectors = !principal.token || principal.token.scopes.includes('connectors:read');
    const seen = readsConnectors
      ? await connectors.withPermissions(tenantId, await connectors.list(tenantId), needs)
      : [];
    const permissionsToGrant = seen
      .filter((c) => c.missingPermissions?.length)
      .map((c) => ({
        connectorId: c.id,
        provider: c.provider,
        account: c.account,
        permissions: c.missingPermissions!,
      }));
    return ok({ ...toPackView(pack, await services.packs().planSchedules(tenantId)), permissionsToGrant });
  },
});
