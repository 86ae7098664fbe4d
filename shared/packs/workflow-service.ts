import { randomUUID } from 'node:crypto';
import type { AgentService } from '../agents/agent-service';
import { auditedAs, type Actor } from '../platform/audit/actor';
import { findTemplate } from '../catalog/templates';
import type { UsageService } from '../identity/usage';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type Stored } from '../platform/cosmos/tenant-repository';
import { describeFieldErrors, ValidationError, type FieldError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import { shortestIntervalMinutes, type Schedule } from '../schedules/schedule';
import type { ScheduleIndex } from '../schedules/schedule-index';
import type { ConnectorFamily } from '../connectors/types';
import { checkTriggersUsable, type EventTrigger } from '../events/event-kinds';
import type { TriggerIndex } from '../events/trigger-index';
import { checkTriggerLimit } from '../events/trigger-limit';
import {
  createWorkflowBody,
  type CreateWorkflowInput,
  type UpdateWorkflowInput,
  type WorkflowDoc,
  type WorkflowMode,
  type WorkflowView,
} from './workflow-model';
import type { WorkingTimeRule } from './pack-schedule';
import { plural } from '../platform/words';

export interface WorkflowServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'checkLimit' | 'createCounted' | 'giveBack'>;
  schedules: () => ScheduleIndex;
  /** Which workflows react to which changes (kept in step on every save). */
  triggers: () => Pick<TriggerIndex, 'set' | 'remove' | 'ofTenant'>;
  /** Whether the tenant has a connected account serving the family (event triggers need one). */
  hasFamily(tenantId: string, family: ConnectorFamily): Promise<boolean>;
  agents: () => AgentService;
  maxSteps: number;
}

export interface WorkflowService {
  view(workflow: WorkflowDoc): Promise<WorkflowView>;
  get(tenantId: string, id: string): Promise<Stored<WorkflowDoc>>;
  /** The workflow, or undefined (no error) when it does not exist. */
  find(tenantId: string, id: string): Promise<Stored<WorkflowDoc> | undefined>;
  /** Workflows that use the agent as a step or coordinator (at most `max`). */
  usingAgent(tenantId: string, agentId: string, max?: number): Promise<{ id: string; name: string }[]>;
  list(tenantId: string, paging: { limit: number; cursor?: string }): Promise<Page<Stored<WorkflowDoc>>>;
  /**
   * Validates the shape against the tenant's agents: size limit, every agent exists and is the tenant's, no agent
   * twice (a workflow is acyclic by construction: steps reference agents, never workflows), the coordinator rules.
   */
  validate(tenantId: string, mode: WorkflowMode, agentIds: string[], coordinatorAgentId: string | null): Promise<void>;
  create(
    tenantId: string,
    input: CreateWorkflowInput,
    ctx: Actor,
    opts?: { id?: string; packInstallId?: string; scheduleFollows?: WorkingTimeRule },
  ): Promise<{ workflow: Stored<WorkflowDoc>; created: boolean }>;
  /**
   * Applies a change. A new cron stops the schedule following the person's working hours (it was edited by hand),
   * unless `scheduleFollows` says the new cron is that rule's, re-derived.
   */
  update(
    tenantId: string,
    id: string,
    change: UpdateWorkflowInput,
    ifMatch: string | undefined,
    ctx: Actor,
    opts?: { scheduleFollows?: WorkingTimeRule },
  ): Promise<Stored<WorkflowDoc>>;
  delete(tenantId: string, id: string, ifMatch: string | undefined, ctx: Actor): Promise<void>;
}

export function createWorkflowService(deps: WorkflowServiceDeps): WorkflowService {
  const repo = createTenantRepository<WorkflowDoc>(deps.store, 'workflows', 'workflow');

  async function checkSchedule(tenantId: string, schedule: Schedule | null | undefined) {
    if (!schedule) return;
    await deps.usage().checkLimit(tenantId, 'scheduleMinIntervalMinutes', {
      amount: shortestIntervalMinutes(schedule, deps.clock.now()),
    });
  }

  async function checkTriggers(tenantId: string, events: EventTrigger[] | undefined) {
    if (events?.length) await checkTriggersUsable(events, (family) => deps.hasFamily(tenantId, family));
  }

  /** An enabled workflow's triggers count against the plan's limit on event triggers. */
  async function checkTriggerCount(tenantId: string, id: string, events: EventTrigger[] | undefined, enabled: boolean) {
    if (!enabled || !events?.length) return;
    await checkTriggerLimit(
      { index: deps.triggers(), checkLimit: (...args) => deps.usage().checkLimit(...args) },
      tenantId,
      { type: 'workflow', id },
      events,
    );
  }

  async function syncSchedule(workflow: WorkflowDoc) {
    if (workflow.schedule && workflow.enabled)
      await deps.schedules().set(workflow.tenantId, 'workflow', workflow.id, workflow.schedule, deps.clock.now());
    else await deps.schedules().remove(workflow.tenantId, 'workflow', workflow.id);
    const events = workflow.enabled ? (workflow.events ?? []) : [];
    await deps.triggers().set(workflow.tenantId, 'workflow', workflow.id, events, deps.clock.now());
  }

  const service: WorkflowService = {
    async view(workflow: WorkflowDoc): Promise<WorkflowView> {
      const entry =
        workflow.schedule && workflow.enabled
          ? await deps.schedules().get(workflow.tenantId, 'workflow', workflow.id)
          : undefined;
      return {
        id: workflow.id,
        name: workflow.name,
        mode: workflow.mode,
        steps: workflow.steps,
        coordinatorAgentId: workflow.coordinatorAgentId,
        enabled: workflow.enabled,
        schedule: workflow.schedule,
        nextRunAt: entry?.nextRunAt ?? null,
        events: workflow.events ?? [],
        packInstallId: workflow.packInstallId,
        createdAt: workflow.createdAt,
        updatedAt: workflow.updatedAt,
      };
    },

    get(tenantId: string, id: string): Promise<Stored<WorkflowDoc>> {
      return repo.getOrThrow(tenantId, id);
    },

    find(tenantId: string, id: string): Promise<Stored<WorkflowDoc> | undefined> {
      return repo.get(tenantId, id);
    },

    async usingAgent(tenantId: string, agentId: string, max = 5): Promise<{ id: string; name: string }[]> {
      const found = await repo.queryAll(
        tenantId,
        'SELECT c.id, c.tenantId, c.name FROM c WHERE c.coordinatorAgentId = @id OR ARRAY_CONTAINS(c.steps, {"agentId": @id}, true)',
        [{ name: '@id', value: agentId }],
        max,
      );
      return found.map((w) => ({ id: w.id, name: w.name }));
    },

    list(tenantId: string, paging: { limit: number; cursor?: string }): Promise<Page<Stored<WorkflowDoc>>> {
      return repo.query(tenantId, 'SELECT * FROM c WHERE c.type = "workflow" ORDER BY c.createdAt', [], paging);
    },

    async validate(
      tenantId: string,
      mode: WorkflowMode,
      agentIds: string[],
      coordinatorAgentId: string | null,
    ): Promise<void> {
      const errors: FieldError[] = [];
      if (agentIds.length > deps.maxSteps) errors.push({ path: 'steps', message: `at most ${deps.maxSteps} steps` });
      const seen = new Set<string>();
      for (const [i, agentId] of agentIds.entries()) {
        if (seen.has(agentId))
          errors.push({
            path: `steps[${i}].agentId`,
            message: 'this agent is already a step (no repeats or cycles)',
          });
        seen.add(agentId);
      }
      const check = async (agentId: string, path: string, wantCoordinator: boolean) => {
        const agent = await deps.agents().find(tenantId, agentId);
        if (!agent) return errors.push({ path, message: 'no such agent' });
        const isCoordinator = Boolean(findTemplate(agent.templateId)?.coordinator);
        if (wantCoordinator && !isCoordinator)
          errors.push({ path, message: 'the coordinator must be an agent of the Coordinator template' });
        if (!wantCoordinator && isCoordinator)
          errors.push({
            path,
            message: 'a coordinator agent can only be the coordinatorAgentId of a parallel workflow',
          });
        return undefined;
      };
      await Promise.all(agentIds.map((id, i) => check(id, `steps[${i}].agentId`, false)));
      if (mode === 'parallel') {
        if (!coordinatorAgentId)
          errors.push({ path: 'coordinatorAgentId', message: 'a parallel workflow needs a coordinator agent' });
        else {
          if (seen.has(coordinatorAgentId))
            errors.push({ path: 'coordinatorAgentId', message: 'the coordinator cannot also be a step' });
          await check(coordinatorAgentId, 'coordinatorAgentId', true);
        }
        if (agentIds.length < 2)
          errors.push({ path: 'steps', message: 'a parallel workflow needs at least two steps' });
      } else if (coordinatorAgentId) {
        errors.push({ path: 'coordinatorAgentId', message: 'only parallel workflows have a coordinator' });
      }
      if (errors.length > 0) throw new ValidationError(describeFieldErrors(errors), errors);
    },

    async create(
      tenantId: string,
      input: CreateWorkflowInput,
      ctx: Actor,
      opts: { id?: string; packInstallId?: string; scheduleFollows?: WorkingTimeRule } = {},
    ): Promise<{ workflow: Stored<WorkflowDoc>; created: boolean }> {
      const body = createWorkflowBody.parse(input);
      const id = opts.id ?? `wf_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      if (opts.id) {
        const existing = await repo.get(tenantId, id);
        if (existing) return { workflow: existing, created: false };
      }
      await service.validate(
        tenantId,
        body.mode,
        body.steps.map((s) => s.agentId),
        body.coordinatorAgentId,
      );
      await checkSchedule(tenantId, body.schedule);
      await checkTriggers(tenantId, body.events);
      await checkTriggerCount(tenantId, id, body.events, body.enabled);
      const now = deps.clock.now().toISOString();
      const doc: WorkflowDoc = {
        id,
        tenantId,
        type: 'workflow',
        name: body.name,
        mode: body.mode,
        steps: body.steps.map((s, i) => ({ id: `s${i + 1}`, agentId: s.agentId })),
        coordinatorAgentId: body.coordinatorAgentId,
        enabled: body.enabled,
        schedule: body.schedule,
        ...(body.schedule && opts.scheduleFollows ? { scheduleFollows: opts.scheduleFollows } : {}),
        events: body.events,
        packInstallId: opts.packInstallId ?? null,
        createdAt: now,
        updatedAt: now,
      };
      // Counted as it is written: concurrent creates can never pass the plan's limit.
      const { doc: workflow, created } = await deps
        .usage()
        .createCounted(tenantId, 'workflows', id, () => repo.createIfAbsent(doc));
      if (!created) return { workflow, created };
      await syncSchedule(workflow);
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'workflow.created',
        target: { type: 'workflow', id },
        outcome: 'success',
        summary: `Created ${workflow.mode} workflow "${workflow.name}" with ${plural(workflow.steps.length, 'step', 'steps')}`,
        after: {
          name: workflow.name,
          mode: workflow.mode,
          steps: workflow.steps,
          coordinatorAgentId: workflow.coordinatorAgentId,
          schedule: workflow.schedule,
        },
      });
      return { workflow, created };
    },

    async update(
      tenantId: string,
      id: string,
      change: UpdateWorkflowInput,
      ifMatch: string | undefined,
      ctx: Actor,
      opts: { scheduleFollows?: WorkingTimeRule } = {},
    ): Promise<Stored<WorkflowDoc>> {
      const current = await repo.getOrThrow(tenantId, id);
      const mode = change.mode ?? current.mode;
      const steps = change.steps
        ? change.steps.map((s, i) => ({ id: `s${i + 1}`, agentId: s.agentId }))
        : current.steps;
      const coordinatorAgentId =
        change.coordinatorAgentId !== undefined ? change.coordinatorAgentId : current.coordinatorAgentId;
      await service.validate(
        tenantId,
        mode,
        steps.map((s) => s.agentId),
        coordinatorAgentId,
      );
      if (change.schedule !== undefined) await checkSchedule(tenantId, change.schedule);
      if (change.events !== undefined) await checkTriggers(tenantId, change.events);
      if (change.events !== undefined || change.enabled === true)
        await checkTriggerCount(tenantId, id, change.events ?? current.events, change.enabled ?? current.enabled);
      const { _etag, scheduleFollows: following, ...body } = current;
      // A time-zone move keeps the cron, so the schedule still follows the working hours; a new cron (or none) is the
      // person's own: a pack's workflow remembers that (null), so it is never moved again.
      const sameCron =
        change.schedule !== null && (change.schedule === undefined || change.schedule.cron === current.schedule?.cron);
      const scheduleFollows = opts.scheduleFollows ?? (sameCron ? following : current.packInstallId ? null : undefined);
      const next: WorkflowDoc = {
        ...body,
        ...(scheduleFollows !== undefined ? { scheduleFollows } : {}),
        name: change.name ?? current.name,
        mode,
        steps,
        coordinatorAgentId,
        enabled: change.enabled ?? current.enabled,
        schedule: change.schedule !== undefined ? change.schedule : current.schedule,
        events: change.events ?? current.events ?? [],
        updatedAt: deps.clock.now().toISOString(),
      };
      const saved = await repo.replace(next, ifMatch ?? _etag);
      await syncSchedule(saved);
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'workflow.updated',
        target: { type: 'workflow', id },
        outcome: 'success',
        summary: `Workflow "${saved.name}" updated (${Object.keys(change).join(', ')})`,
        before: {
          name: current.name,
          mode: current.mode,
          steps: current.steps,
          enabled: current.enabled,
          schedule: current.schedule,
          events: current.events ?? [],
        },
        after: {
          name: saved.name,
          mode: saved.mode,
          steps: saved.steps,
          enabled: saved.enabled,
          schedule: saved.schedule,
          events: saved.events ?? [],
        },
      });
      return saved;
    },

    async delete(tenantId: string, id: string, ifMatch: string | undefined, ctx: Actor): Promise<void> {
      const current = await repo.getOrThrow(tenantId, id);
      await repo.delete(tenantId, id, ifMatch);
      await deps.usage().giveBack(tenantId, 'workflows');
      await deps.schedules().remove(tenantId, 'workflow', id);
      await deps.triggers().remove(tenantId, 'workflow', id, deps.clock.now());
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'workflow.deleted',
        target: { type: 'workflow', id },
        outcome: 'success',
        summary: `Deleted workflow "${current.name}"`,
        before: { name: current.name, mode: current.mode },
      });
    },
  };
  return service;
}
