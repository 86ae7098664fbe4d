import { z } from 'zod';
import { scopesView } from '../catalog/template-view';
import { scopeLabels } from '../connectors/scope-labels';
import { missingPermissionView, providerName } from '../connectors/view';
import { packScopes, type AgentPack } from './built-in-packs';
import { WORKING_TIME_RULES, type PackSchedule, type PlanSchedule } from './pack-schedule';

/** A built-in pack as the catalog API shows it. */
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
      /** The pack's own schedule (for the person's working hours when it follows them). */
      cron: z.string().nullable(),
      /** The working-time rule the schedule follows (it moves when the person's working hours change), or null. */
      follows: z.enum(WORKING_TIME_RULES).nullable(),
      /** The schedule it installs with on the person's plan: `cron`, or a sparser one when the plan allows less. */
      planCron: z.string().nullable(),
    }),
  ),
  scopes: scopesView,
  /** The same permissions in words, per provider, each once ("Send email as you (only what you approve)"). */
  permissions: z.record(z.string(), z.array(z.string())),
});

/** A pack as offered to a person: `onPlan` fits its schedules to their plan. */
/** One pack offered to the person, with the permissions it needs that their connected accounts have not granted. */
export const packOfferView = packView.extend({
  permissionsToGrant: z.array(
    z.object({
      connectorId: z.string(),
      provider: providerName,
      account: z.string(),
      permissions: z.array(missingPermissionView),
    }),
  ),
});

/** How a person's plan and working hours turn a pack's schedule into crons: its own, and the one it installs with. */
export type PlanSchedules = (schedule: PackSchedule) => PlanSchedule & { ownCron: string };

export function toPackView(p: AgentPack, onPlan: PlanSchedules): z.infer<typeof packView> {
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
      cron: w.schedule ? onPlan(w.schedule).ownCron : null,
      follows: w.schedule && 'follows' in w.schedule ? w.schedule.follows : null,
      planCron: w.schedule ? onPlan(w.schedule).cron : null,
    })),
    scopes: packScopes(p) as Record<string, string[]>,
    permissions: Object.fromEntries(
      Object.entries(packScopes(p)).map(([provider, scopes]) => [provider, scopeLabels(scopes ?? [])]),
    ),
  };
}
