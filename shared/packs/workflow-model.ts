import { z } from 'zod';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { scheduleSchema, type Schedule } from '../schedules/schedule';
import { resourceId } from '../platform/ids';
import { eventTriggerView, eventTriggersSchema, type EventTrigger } from '../events/event-kinds';
import type { WorkingTimeRule } from './pack-schedule';

export type WorkflowMode = 'sequential' | 'parallel';

export interface WorkflowStep {
  /** Stable within the workflow (s1, s2…); names the step in runs. */
  id: string;
  agentId: string;
}

/**
 * Sequential: each step receives the previous steps' results. Parallel: the steps fan out, then the coordinator
 * agent merges all results.
 */
export interface WorkflowDoc extends TenantDoc {
  type: 'workflow';
  name: string;
  mode: WorkflowMode;
  steps: WorkflowStep[];
  coordinatorAgentId: string | null;
  enabled: boolean;
  schedule: Schedule | null;
  /**
   * The working-time rule the schedule was installed with (a pack's "during working hours"): it follows the person's
   * working hours until the schedule is changed by hand (then null: it stays as the person set it). Absent on
   * workflows saved before working hours existed: a pack's workflow still on the pack's default schedule follows.
   */
  scheduleFollows?: WorkingTimeRule | null;
  /** Changes that start the workflow (absent on workflows saved before event triggers: none). */
  events?: EventTrigger[];
  packInstallId: string | null;
  createdAt: string;
  updatedAt: string;
}

const agentId = resourceId;

export const createWorkflowBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    mode: z.enum(['sequential', 'parallel']),
    /** Agent ids, in order (sequential) or as the fan-out set (parallel). */
    steps: z.array(z.object({ agentId }).strict()).min(1).max(50),
    coordinatorAgentId: agentId.nullable().default(null),
    enabled: z.boolean().default(true),
    schedule: scheduleSchema.nullable().default(null),
    events: eventTriggersSchema.default([]),
  })
  .strict();
export type CreateWorkflowInput = z.input<typeof createWorkflowBody>;

export const updateWorkflowBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    mode: z.enum(['sequential', 'parallel']).optional(),
    steps: z.array(z.object({ agentId }).strict()).min(1).max(50).optional(),
    coordinatorAgentId: agentId.nullable().optional(),
    enabled: z.boolean().optional(),
    schedule: scheduleSchema.nullable().optional(),
    events: eventTriggersSchema.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateWorkflowInput = z.infer<typeof updateWorkflowBody>;

export const workflowView = z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(['sequential', 'parallel']),
  steps: z.array(z.object({ id: z.string(), agentId: z.string() })),
  coordinatorAgentId: z.string().nullable(),
  enabled: z.boolean(),
  schedule: z.object({ cron: z.string(), timezone: z.string() }).nullable(),
  nextRunAt: z.string().nullable(),
  events: z.array(eventTriggerView),
  packInstallId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WorkflowView = z.infer<typeof workflowView>;
