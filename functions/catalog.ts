import { z } from 'zod';
import { TEMPLATES, getTemplate } from '../shared/catalog/templates';
import type { AgentTemplate } from '../shared/catalog/types';
import { PACKS, getPack, packScopes, type AgentPack } from '../shared/packs/built-in-packs';
import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';

const scopes = z.record(z.string(), z.array(z.string()));

export const templateView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  families: z.array(z.object({ family: z.string(), required: z.boolean() })),
  scopes,
  configSchema: z.record(z.string(), z.unknown()),
  suggestionKinds: z.array(z.string()),
  defaultModelClass: z.enum(['small', 'large']),
  promptVersion: z.string(),
  coordinator: z.boolean(),
});

export const packView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  agents: z.array(
    z.object({ key: z.string(), templateId: z.string(), name: z.string(), config: z.record(z.string(), z.unknown()) }),
  ),
  workflows: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      mode: z.enum(['sequential', 'parallel']),
      stepKeys: z.array(z.string()),
      coordinatorKey: z.string().nullable(),
      cron: z.string().nullable(),
    }),
  ),
  scopes,
});

function toTemplateView(t: AgentTemplate): z.infer<typeof templateView> {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    families: t.families,
    scopes: t.scopes as Record<string, string[]>,
    configSchema: z.toJSONSchema(t.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    suggestionKinds: t.suggestionKinds,
    defaultModelClass: t.defaultModelClass,
    promptVersion: t.promptVersion,
    coordinator: Boolean(t.coordinator),
  };
}

function toPackView(p: AgentPack): z.infer<typeof packView> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    agents: p.agents,
    workflows: p.workflows.map((w) => ({
      key: w.key,
      name: w.name,
      mode: w.mode,
      stepKeys: w.stepKeys,
      coordinatorKey: w.coordinatorKey ?? null,
      cron: w.cron ?? null,
    })),
    scopes: packScopes(p) as Record<string, string[]>,
  };
}

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.null() });

export const listTemplates = httpRoute({
  name: 'catalogTemplatesList',
  method: 'GET',
  route: 'catalog/templates',
  summary: 'The built-in agent templates',
  tags: ['catalog'],
  response: list(templateView),
  async handler() {
    return ok({ items: TEMPLATES.map(toTemplateView), nextCursor: null });
  },
});

export const getTemplateRoute = httpRoute({
  name: 'catalogTemplatesGet',
  method: 'GET',
  route: 'catalog/templates/{templateId}',
  summary: 'One agent template, with its config schema and the scopes it needs',
  tags: ['catalog'],
  params: z.object({ templateId: z.string().min(1).max(100) }),
  response: templateView,
  async handler({ params }) {
    return ok(toTemplateView(getTemplate(params.templateId)));
  },
});

export const listPacks = httpRoute({
  name: 'catalogPacksList',
  method: 'GET',
  route: 'catalog/packs',
  summary: 'The built-in agent packs',
  tags: ['catalog'],
  response: list(packView),
  async handler() {
    return ok({ items: PACKS.map(toPackView), nextCursor: null });
  },
});

export const getPackRoute = httpRoute({
  name: 'catalogPacksGet',
  method: 'GET',
  route: 'catalog/packs/{packId}',
  summary: 'One pack: its agents, workflows, triggers and the connector scopes it needs',
  tags: ['catalog'],
  params: z.object({ packId: z.string().min(1).max(100) }),
  response: packView,
  async handler({ params }) {
    return ok(toPackView(getPack(params.packId)));
  },
});
