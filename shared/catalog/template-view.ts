import { z } from 'zod';
import type { AgentTemplate } from './types';

/** Connector scopes per family, as the catalog shows them. */
export const scopesView = z.record(z.string(), z.array(z.string()));

/** A template as the catalog API shows it. */
export const templateView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  families: z.array(z.object({ family: z.string(), required: z.boolean() })),
  scopes: scopesView,
  configSchema: z.record(z.string(), z.unknown()),
  suggestionKinds: z.array(z.string()),
  defaultModelClass: z.enum(['small', 'large']),
  promptVersion: z.string(),
  coordinator: z.boolean(),
});

export function toTemplateView(t: AgentTemplate): z.infer<typeof templateView> {
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
