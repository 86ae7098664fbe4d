import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type Stored } from '../platform/cosmos/tenant-repository';
import { ConflictError, ValidationError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import type { UsageService } from '../identity/usage';
import { shortestIntervalMinutes, type Schedule } from '../schedules/schedule';
import type { ScheduleIndex } from '../schedules/schedule-index';
import { checkTriggersUsable, type EventTrigger } from '../events/event-kinds';
import type { TriggerIndex } from '../events/trigger-index';
import { checkTriggerLimit } from '../events/trigger-limit';
import { getTemplate } from '../catalog/templates';
import { combinedNeeds } from '../catalog/template-needs';
import type { ConnectorFamily, FamilyNeed } from '../connectors/types';
import { auditedAs, type Actor } from '../platform/audit/actor';
import {
  createAgentBody,
  type AgentDoc,
  type AgentView,
  type CreateAgentInput,
  type UpdateAgentInput,
} from './agent-model';

export interface AgentServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'checkLimit' | 'createCounted' | 'giveBack'>;
  schedules: () => ScheduleIndex;
  /** Which agents react to which changes (kept in step on every save). */
  triggers: () => Pick<TriggerIndex, 'set' | 'remove' | 'ofTenant'>;
  /** Whether the tenant has a connected account serving the family (event triggers need one). */
  hasFamily(tenantId: string, family: ConnectorFamily): Promise<boolean>;
  /** Workflows that use the agent (a few are enough), to refuse deleting it. */
  workflowsUsing(tenantId: string, agentId: string): Promise<{ id: string; name: string }[]>;
}

function validateConfig(templateId: string, config: unknown): Record<string, unknown> {
  const template = getTemplate(templateId);
  const result = template.configSchema.safeParse(config ?? {});
  if (!result.success) {
    throw ValidationError.fromZod(result.error, ['config'], `The config does not fit the ${template.name} template`);
  }
  return result.data as Record<string, unknown>;
}

/** Agents made from templates: their config, schedule and budget. */
export interface AgentService {
  view(agent: Stored<AgentDoc> | AgentDoc): Promise<AgentView>;
  /**
   * Families the tenant's installed agents (their own and those of installed packs) read, and whether any of them
   * sends or writes there: what a connection asks consent for (write access only while such an agent exists).
   */
  installedNeeds(tenantId: string): Promise<FamilyNeed[]>;
  /** The agent; NotFoundError when it does not exist. */
  get(tenantId: string, agentId: string): Promise<Stored<AgentDoc>>;
  /** The agent, or undefined (no error) when it does not exist. */
  find(tenantId: string, agentId: string): Promise<Stored<AgentDoc> | undefined>;
  list(
    tenantId: string,
    paging: { limit: number; cursor?: string },
    filter?: { templateId?: string },
  ): Promise<Page<Stored<AgentDoc>>>;
  /**
   * Creates an agent from a template; its config is validated by the template's schema. `id` and
   * `packInstallId` are given by pack installs (deterministic ids make installs idempotent).
   */
  create(
    tenantId: string,
    input: CreateAgentInput,
    ctx: Actor,
    opts?: { id?: string; packInstallId?: string },
  ): Promise<{ agent: Stored<AgentDoc>; created: boolean }>;
  update(
    tenantId: string,
    agentId: string,
    change: UpdateAgentInput,
    ifMatch: string | undefined,
    ctx: Actor,
  ): Promise<Stored<AgentDoc>>;
  /** Refused (409) while a workflow uses the agent. */
  delete(tenantId: string, agentId: string, ifMatch: string | undefined, ctx: Actor): Promise<void>;
}

export function createAgentService(deps: AgentServiceDeps): AgentService {
  const repo = createTenantRepository<AgentDoc>(deps.store, 'agents', 'agent');

  async function checkSchedule(tenantId: string, schedule: Schedule | null | undefined): Promise<void> {
    if (!schedule) return;
    await deps.usage().checkLimit(tenantId, 'scheduleMinIntervalMinutes', {
      amount: shortestIntervalMinutes(schedule, deps.clock.now()),
    });
  }

  async function checkTriggers(tenantId: string, events: EventTrigger[] | undefined): Promise<void> {
    if (events?.length) await checkTriggersUsable(events, (family) => deps.hasFamily(tenantId, family));
  }

  /** An enabled agent's triggers count against the plan's limit on event triggers. */
  async function checkTriggerCount(tenantId: string, id: string, events: EventTrigger[] | undefined, enabled: boolean) {
    if (!enabled || !events?.length) return;
    await checkTriggerLimit(
      { index: deps.triggers(), checkLimit: (...args) => deps.usage().checkLimit(...args) },
      tenantId,
      { type: 'agent', id },
      events,
    );
  }

  async function syncSchedule(agent: AgentDoc): Promise<void> {
    if (agent.schedule && agent.enabled)
      await deps.schedules().set(agent.tenantId, 'agent', agent.id, agent.schedule, deps.clock.now());
    else await deps.schedules().remove(agent.tenantId, 'agent', agent.id);
    await deps
      .triggers()
      .set(agent.tenantId, 'agent', agent.id, agent.enabled ? (agent.events ?? []) : [], deps.clock.now());
  }

  return {
    async view(agent: Stored<AgentDoc> | AgentDoc): Promise<AgentView> {
      const entry =
        agent.schedule && agent.enabled ? await deps.schedules().get(agent.tenantId, 'agent', agent.id) : undefined;
      return {
        id: agent.id,
        templateId: agent.templateId,
        name: agent.name,
        config: agent.config,
        enabled: agent.enabled,
        schedule: agent.schedule,
        nextRunAt: entry?.nextRunAt ?? null,
        events: agent.events ?? [],
        tokenBudget: agent.tokenBudget,
        packInstallId: agent.packInstallId,
        createdAt: agent.createdAt,
        updatedAt: agent.updatedAt,
      };
    },

    get(tenantId: string, agentId: string): Promise<Stored<AgentDoc>> {
      return repo.getOrThrow(tenantId, agentId);
    },

    async installedNeeds(tenantId: string): Promise<FamilyNeed[]> {
      const agents = await repo.queryAll(tenantId, 'SELECT c.templateId FROM c WHERE c.type = "agent"', []);
      return combinedNeeds(agents.map((a) => a.templateId));
    },

    find(tenantId: string, agentId: string): Promise<Stored<AgentDoc> | undefined> {
      return repo.get(tenantId, agentId);
    },

    list(
      tenantId: string,
      paging: { limit: number; cursor?: string },
      filter: { templateId?: string } = {},
    ): Promise<Page<Stored<AgentDoc>>> {
      const where = ['c.type = "agent"'];
      const parameters = [];
      if (filter.templateId) {
        where.push('c.templateId = @templateId');
        parameters.push({ name: '@templateId', value: filter.templateId });
      }
      return repo.query(
        tenantId,
        `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.createdAt`,
        parameters,
        paging,
      );
    },

    /**
     * Creates an agent from a template; its config is validated by the template's schema. `id` and
     * `packInstallId` are given by pack installs (deterministic ids make installs idempotent).
     */
    async create(
      tenantId: string,
      input: CreateAgentInput,
      ctx: Actor,
      opts: { id?: string; packInstallId?: string } = {},
    ): Promise<{ agent: Stored<AgentDoc>; created: boolean }> {
      const body = createAgentBody.parse(input);
      const template = getTemplate(body.templateId);
      const config = validateConfig(template.id, body.config);
      const id = opts.id ?? `agt_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      if (opts.id) {
        const existing = await repo.get(tenantId, id);
        if (existing) return { agent: existing, created: false };
      }
      await checkSchedule(tenantId, body.schedule);
      await checkTriggers(tenantId, body.events);
      await checkTriggerCount(tenantId, id, body.events, body.enabled);
      const now = deps.clock.now().toISOString();
      const doc: AgentDoc = {
        id,
        tenantId,
        type: 'agent',
        templateId: template.id,
        name: body.name ?? template.name,
        config,
        enabled: body.enabled,
        schedule: body.schedule,
        events: body.events,
        tokenBudget: body.tokenBudget,
        packInstallId: opts.packInstallId ?? null,
        createdAt: now,
        updatedAt: now,
      };
      // Counted as it is written: concurrent creates can never pass the plan's limit.
      const { doc: agent, created } = await deps
        .usage()
        .createCounted(tenantId, 'agents', id, () => repo.createIfAbsent(doc));
      if (!created) return { agent, created };
      await syncSchedule(agent);
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'agent.created',
        target: { type: 'agent', id },
        outcome: 'success',
        summary: `Created agent "${agent.name}" (${template.name})${agent.schedule ? ` scheduled "${agent.schedule.cron}" in ${agent.schedule.timezone}` : ''}`,
        after: {
          templateId: agent.templateId,
          name: agent.name,
          enabled: agent.enabled,
          schedule: agent.schedule,
          events: agent.events,
          tokenBudget: agent.tokenBudget,
        },
      });
      return { agent, created };
    },

    async update(
      tenantId: string,
      agentId: string,
      change: UpdateAgentInput,
      ifMatch: string | undefined,
      ctx: Actor,
    ): Promise<Stored<AgentDoc>> {
      const current = await repo.getOrThrow(tenantId, agentId);
      const config = change.config !== undefined ? validateConfig(current.templateId, change.config) : current.config;
      if (change.schedule !== undefined) await checkSchedule(tenantId, change.schedule);
      if (change.events !== undefined) await checkTriggers(tenantId, change.events);
      if (change.events !== undefined || change.enabled === true)
        await checkTriggerCount(tenantId, agentId, change.events ?? current.events, change.enabled ?? current.enabled);
      const { _etag, ...body } = current;
      const next: AgentDoc = {
        ...body,
        name: change.name ?? current.name,
        config,
        enabled: change.enabled ?? current.enabled,
        schedule: change.schedule !== undefined ? change.schedule : current.schedule,
        events: change.events ?? current.events ?? [],
        tokenBudget: change.tokenBudget ?? current.tokenBudget,
        updatedAt: deps.clock.now().toISOString(),
      };
      const saved = await repo.replace(next, ifMatch ?? _etag);
      await syncSchedule(saved);
      const verb =
        change.enabled === false && current.enabled
          ? 'disabled'
          : change.enabled === true && !current.enabled
            ? 'enabled'
            : 'updated';
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: `agent.${verb}`,
        target: { type: 'agent', id: agentId },
        outcome: 'success',
        summary: `Agent "${saved.name}" ${verb} (${Object.keys(change).join(', ')})`,
        before: {
          name: current.name,
          config: current.config,
          enabled: current.enabled,
          schedule: current.schedule,
          events: current.events ?? [],
          tokenBudget: current.tokenBudget,
        },
        after: {
          name: saved.name,
          config: saved.config,
          enabled: saved.enabled,
          schedule: saved.schedule,
          events: saved.events ?? [],
          tokenBudget: saved.tokenBudget,
        },
      });
      return saved;
    },

    async delete(tenantId: string, agentId: string, ifMatch: string | undefined, ctx: Actor): Promise<void> {
      const current = await repo.getOrThrow(tenantId, agentId);
      const usedBy = await deps.workflowsUsing(tenantId, agentId);
      if (usedBy.length > 0) {
        throw new ConflictError(
          `This agent is a step of the workflow "${usedBy[0]!.name}". Remove it from the workflow first.`,
          { workflowIds: usedBy.map((w) => w.id) },
        );
      }
      await repo.delete(tenantId, agentId, ifMatch);
      await deps.usage().giveBack(tenantId, 'agents');
      await deps.schedules().remove(tenantId, 'agent', agentId);
      await deps.triggers().remove(tenantId, 'agent', agentId, deps.clock.now());
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'agent.deleted',
        target: { type: 'agent', id: agentId },
        outcome: 'success',
        summary: `Deleted agent "${current.name}"`,
        before: { templateId: current.templateId, name: current.name },
      });
    },
  };
}
