import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { scheduleSchema, type Schedule } from '../schedules/schedule';
import { resourceId } from '../platform/ids';
import { eventTriggerView, eventTriggersSchema, type EventTrigger } from '../events/event-kinds';

/** Per-agent token caps; null = no cap of its own (the tier's monthly cap still applies). */
export const tokenBudgetSchema = z
  .object({
    perRun: z.number().int().min(100).max(10_000_000).nullable().default(null),
    perMonth: z.number().int().min(100).max(1_000_000_000).nullable().default(null),
  })
  .strict();
export type TokenBudget = z.infer<typeof tokenBudgetSchema>;

/** An agent: an instance of a template with its config, schedule and budget. */
export interface AgentDoc extends TenantDoc {
  type: 'agent';
  templateId: string;
  name: string;
  config: Record<string, unknown>;
  enabled: boolean;
  schedule: Schedule | null;
  /** Changes that start the agent (absent on agents saved before event triggers: none). */
  events?: EventTrigger[];
  tokenBudget: TokenBudget;
  /** Set when a pack installed it; uninstalling the pack removes it. */
  packInstallId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const createAgentBody = z
  .object({
    templateId: resourceId,
    name: z.string().trim().min(1).max(100).optional(),
    config: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
    schedule: scheduleSchema.nullable().default(null),
    events: eventTriggersSchema.default([]),
    tokenBudget: tokenBudgetSchema.default({ perRun: null, perMonth: null }),
  })
  .strict();
export type CreateAgentInput = z.input<typeof createAgentBody>;

export const updateAgentBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    schedule: scheduleSchema.nullable().optional(),
    events: eventTriggersSchema.optional(),
    tokenBudget: tokenBudgetSchema.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateAgentInput = z.infer<typeof updateAgentBody>;

export const agentView = z.object({
  id: z.string(),
  templateId: z.string(),
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  schedule: z.object({ cron: z.string(), timezone: z.string() }).nullable(),
  nextRunAt: z.string().nullable(),
  events: z.array(eventTriggerView),
  tokenBudget: z.object({ perRun: z.number().nullable(), perMonth: z.number().nullable() }),
  packInstallId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AgentView = z.infer<typeof agentView>;
