import type { AgentService } from '../agents/agent-service';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AgentView } from '../agents/agent-model';
import type { UsageService } from '../identity/usage';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import {
  createTenantRepository,
  assertIfMatch,
  type Stored,
  type TenantDoc,
} from '../platform/cosmos/tenant-repository';
import { LimitExceededError, NotFoundError } from '../platform/errors';
import type { Page } from '../platform/http/paging';
import { DEFAULT_WORKING_HOURS, type WorkingHours } from '../identity/working-hours';
import { getPack, PACKS } from './built-in-packs';
import { packCron, scheduleForPlan, type WorkingTimeRule } from './pack-schedule';
import type { PlanSchedules } from './pack-view';
import type { WorkflowView } from './workflow-model';
import type { WorkflowService } from './workflow-service';
import { plural } from '../platform/words';

/** One installed pack: what it created, so uninstall removes exactly that. */
export interface PackInstallDoc extends TenantDoc {
  type: 'packInstall';
  packId: string;
  /** `installing` while its parts are being created; a retried install resumes from there. */
  status: 'installing' | 'installed';
  agentIds: string[];
  workflowIds: string[];
  timezone: string;
  installedAt: string;
}

export interface InstallResult {
  install: Stored<PackInstallDoc>;
  agents: AgentView[];
  workflows: WorkflowView[];
  triggers: { type: 'schedule'; workflowId: string; cron: string; timezone: string; nextRunAt: string | null }[];
  /** False when the pack was already installed (nothing was created). */
  created: boolean;
}

export interface PackInstallDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'checkLimit'>;
  agents: () => AgentService;
  workflows: () => WorkflowService;
  /** The person's time zone and working hours (pack schedules are made in them). */
  profileOf(tenantId: string): Promise<{ timezone: string; workingHours: WorkingHours }>;
  /** The shortest schedule interval of the tenant's plan (a pack's schedule is made to fit it). */
  scheduleMinIntervalOf(tenantId: string): Promise<number>;
}

/** One install per pack and tenant: the id is deterministic, so installing twice never duplicates. */
const installIdOf = (packId: string) => `pack_${packId}`;
const partId = (installId: string, key: string) => `${installId}_${key}`;

export interface PackInstallService {
  list(tenantId: string, paging: { limit: number; cursor?: string }): Promise<Page<Stored<PackInstallDoc>>>;
  get(tenantId: string, installId: string): Promise<Stored<PackInstallDoc>>;
  describe(install: Stored<PackInstallDoc>, created: boolean): Promise<InstallResult>;
  /** How pack schedules fit the tenant's working hours and plan: what `install` would schedule for each. */
  planSchedules(tenantId: string): Promise<PlanSchedules>;
  /**
   * Installs a pack: its agents, workflows and schedule triggers. Idempotent (deterministic ids; a second install
   * returns the first) and all-or-nothing (a failure removes what this attempt created and leaves no install).
   */
  install(tenantId: string, packId: string, ctx: Actor): Promise<InstallResult>;
  /**
   * Removes what the install created (workflows first, then agents, with their schedules) and the install; a stale
   * `ifMatch` (the install's ETag) is a 412 and removes nothing.
   */
  uninstall(tenantId: string, installId: string, ifMatch: string | undefined, ctx: Actor): Promise<void>;
  /**
   * Moves the schedules installed to follow the person's working hours (and not changed by hand since) to `hours`,
   * fitted to the plan like at install. Idempotent: a schedule already right is left alone.
   */
  followWorkingHours(tenantId: string, hours: WorkingHours, ctx: Actor): Promise<void>;
}

export function createPackInstallService(deps: PackInstallDeps): PackInstallService {
  const repo = createTenantRepository<PackInstallDoc>(deps.store, 'packs', 'installed pack');

  /** Refuses a pack whose parts do not fit the plan, saying how many it adds and how many more fit. */
  async function refuseWithoutRoom(tenantId: string, limit: 'agents' | 'workflows', needed: number) {
    if (needed === 0) return;
    try {
      await deps.usage().checkLimit(tenantId, limit, { amount: needed });
    } catch (err) {
      if (!(err instanceof LimitExceededError) || err.extensions.max === undefined) throw err;
      const { used = 0, max } = err.extensions as { used?: number; max: number };
      const available = Math.max(0, max - used);
      const noun = (n: number) => `${n} ${limit === 'agents' ? 'agent' : 'workflow'}${n === 1 ? '' : 's'}`;
      const room = available === 0 ? 'no room for more' : `room for ${available} more`;
      throw new LimitExceededError(
        limit,
        `This pack adds ${noun(needed)}; your plan has ${room}. Remove ${limit === 'agents' ? 'an agent' : 'a workflow'} or upgrade your plan.`,
        { used, max, needed, available },
      );
    }
  }

  const service: PackInstallService = {
    list(tenantId: string, paging: { limit: number; cursor?: string }): Promise<Page<Stored<PackInstallDoc>>> {
      return repo.query(tenantId, 'SELECT * FROM c WHERE c.type = "packInstall" ORDER BY c.installedAt', [], paging);
    },

    async get(tenantId: string, installId: string): Promise<Stored<PackInstallDoc>> {
      const doc = await repo.get(tenantId, installId);
      if (!doc || doc.status !== 'installed') throw new NotFoundError('installed pack');
      return doc;
    },

    async describe(install: Stored<PackInstallDoc>, created: boolean): Promise<InstallResult> {
      const agents = await Promise.all(
        install.agentIds.map(async (id) => deps.agents().view(await deps.agents().get(install.tenantId, id))),
      );
      const workflows = await Promise.all(
        install.workflowIds.map(async (id) => deps.workflows().view(await deps.workflows().get(install.tenantId, id))),
      );
      const triggers = workflows
        .filter((w) => w.schedule)
        .map((w) => ({
          type: 'schedule' as const,
          workflowId: w.id,
          cron: w.schedule!.cron,
          timezone: w.schedule!.timezone,
          nextRunAt: w.nextRunAt,
        }));
      return { install, agents, workflows, triggers, created };
    },

    async planSchedules(tenantId: string): Promise<PlanSchedules> {
      const [minInterval, { workingHours }] = await Promise.all([
        deps.scheduleMinIntervalOf(tenantId),
        deps.profileOf(tenantId),
      ]);
      return plannedWith(minInterval, workingHours);
    },

    async install(tenantId: string, packId: string, ctx: Actor): Promise<InstallResult> {
      const pack = getPack(packId);
      const installId = installIdOf(pack.id);
      const existing = await repo.get(tenantId, installId);
      if (existing?.status === 'installed') return service.describe(existing, false);

      const agentIds = pack.agents.map((a) => partId(installId, a.key));
      const workflowIds = pack.workflows.map((w) => partId(installId, w.key));
      // Count only parts that do not exist yet (a resumed install already has some).
      const [missingAgents, missingWorkflows] = await Promise.all([
        Promise.all(agentIds.map((id) => deps.agents().find(tenantId, id))).then(
          (found) => found.filter((f) => !f).length,
        ),
        Promise.all(workflowIds.map((id) => deps.workflows().find(tenantId, id))).then(
          (found) => found.filter((f) => !f).length,
        ),
      ]);
      // An early refusal of a pack that cannot fit; each part is still counted as it is created (and a part refused
      // by a concurrent create rolls the whole install back).
      await refuseWithoutRoom(tenantId, 'agents', missingAgents);
      await refuseWithoutRoom(tenantId, 'workflows', missingWorkflows);

      // The profile is read once: its zone (unless a resumed install kept one) and working hours.
      const [minInterval, profile] = await Promise.all([
        deps.scheduleMinIntervalOf(tenantId),
        deps.profileOf(tenantId),
      ]);
      const timezone = existing?.timezone ?? profile.timezone;
      const onPlan = plannedWith(minInterval, profile.workingHours);
      const now = deps.clock.now().toISOString();
      const { doc: marker } = await repo.createIfAbsent({
        id: installId,
        tenantId,
        type: 'packInstall',
        packId: pack.id,
        status: 'installing',
        agentIds,
        workflowIds,
        timezone,
        installedAt: now,
      });
      const partCtx: Actor = { ...ctx };
      const createdHere: { kind: 'agent' | 'workflow'; id: string }[] = [];
      try {
        for (const agent of pack.agents) {
          const { created } = await deps
            .agents()
            .create(tenantId, { templateId: agent.templateId, name: agent.name, config: agent.config }, partCtx, {
              id: partId(installId, agent.key),
              packInstallId: installId,
            });
          if (created) createdHere.push({ kind: 'agent', id: partId(installId, agent.key) });
        }
        for (const workflow of pack.workflows) {
          const { created } = await deps.workflows().create(
            tenantId,
            {
              name: workflow.name,
              mode: workflow.mode,
              steps: workflow.stepKeys.map((key) => ({ agentId: partId(installId, key) })),
              coordinatorAgentId: workflow.coordinatorKey ? partId(installId, workflow.coordinatorKey) : null,
              schedule: workflow.schedule ? { cron: onPlan(workflow.schedule).cron, timezone } : null,
            },
            partCtx,
            {
              id: partId(installId, workflow.key),
              packInstallId: installId,
              scheduleFollows:
                workflow.schedule && 'follows' in workflow.schedule ? workflow.schedule.follows : undefined,
            },
          );
          if (created) createdHere.push({ kind: 'workflow', id: partId(installId, workflow.key) });
        }
        const done = await repo.replace({ ...stripEtag(marker), status: 'installed', installedAt: now });
        await deps.audit().record({
          tenantId,
          ...auditedAs(ctx),
          action: 'pack.installed',
          target: { type: 'pack', id: installId },
          outcome: 'success',
          summary: `Installed the ${pack.name} pack (${plural(agentIds.length, 'agent', 'agents')}, ${plural(workflowIds.length, 'workflow', 'workflows')})`,
          after: { packId: pack.id, agentIds, workflowIds, timezone },
        });
        return service.describe(done, true);
      } catch (err) {
        for (const part of createdHere.reverse()) {
          const remove =
            part.kind === 'agent'
              ? deps.agents().delete(tenantId, part.id, undefined, partCtx)
              : deps.workflows().delete(tenantId, part.id, undefined, partCtx);
          await remove.catch(() => undefined);
        }
        if (!existing) await repo.delete(tenantId, installId).catch(() => undefined);
        await deps
          .audit()
          .record({
            tenantId,
            ...auditedAs(ctx),
            action: 'pack.install.failed',
            target: { type: 'pack', id: installId },
            outcome: 'failure',
            summary: `Installing the ${pack.name} pack failed; nothing was kept`,
          })
          .catch(() => undefined);
        throw err;
      }
    },

    async uninstall(tenantId: string, installId: string, ifMatch: string | undefined, ctx: Actor): Promise<void> {
      const install = await repo.get(tenantId, installId);
      if (!install) throw new NotFoundError('installed pack');
      assertIfMatch(ifMatch, install);
      for (const id of install.workflowIds) {
        await deps
          .workflows()
          .delete(tenantId, id, undefined, ctx)
          .catch((err) => {
            if (!(err instanceof NotFoundError)) throw err;
          });
      }
      for (const id of install.agentIds) {
        await deps
          .agents()
          .delete(tenantId, id, undefined, ctx)
          .catch((err) => {
            if (!(err instanceof NotFoundError)) throw err;
          });
      }
      await repo.delete(tenantId, installId).catch((err) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
      await deps.audit().record({
        tenantId,
        ...auditedAs(ctx),
        action: 'pack.uninstalled',
        target: { type: 'pack', id: installId },
        outcome: 'success',
        summary: `Uninstalled the ${install.packId} pack; its agents, workflows and schedules were removed`,
        before: { agentIds: install.agentIds, workflowIds: install.workflowIds },
      });
    },

    async followWorkingHours(tenantId: string, hours: WorkingHours, ctx: Actor): Promise<void> {
      const minInterval = await deps.scheduleMinIntervalOf(tenantId);
      const onPlan = plannedWith(minInterval, hours);
      const asInstalledBefore = plannedWith(minInterval, DEFAULT_WORKING_HOURS);
      for (const pack of PACKS) {
        const install = await repo.get(tenantId, installIdOf(pack.id));
        if (install?.status !== 'installed') continue;
        for (const spec of pack.workflows) {
          if (!spec.schedule || !('follows' in spec.schedule)) continue;
          const id = partId(install.id, spec.key);
          const workflow = await deps.workflows().find(tenantId, id);
          if (!workflow?.schedule) continue;
          const follows = ruleFollowed(
            workflow.scheduleFollows,
            workflow.schedule.cron,
            spec.schedule,
            asInstalledBefore,
          );
          if (!follows) continue;
          const { cron } = onPlan({ follows });
          if (cron === workflow.schedule.cron) continue;
          await deps
            .workflows()
            .update(tenantId, id, { schedule: { cron, timezone: workflow.schedule.timezone } }, workflow._etag, ctx, {
              scheduleFollows: follows,
            });
        }
      }
    },
  };
  return service;
}

/**
 * The working-time rule a pack workflow's schedule follows, or null once changed by hand. A workflow saved before
 * working hours existed (`recorded` undefined) follows its pack's rule while it still has the pack's default cron.
 */
function ruleFollowed(
  recorded: WorkingTimeRule | null | undefined,
  cron: string,
  packSchedule: { follows: WorkingTimeRule },
  asInstalledBefore: PlanSchedules,
): WorkingTimeRule | null {
  if (recorded !== undefined) return recorded;
  return cron === asInstalledBefore(packSchedule).cron ? packSchedule.follows : null;
}

/** Pack schedules for a plan's shortest interval and a person's working hours. */
function plannedWith(minIntervalMinutes: number, hours: WorkingHours): PlanSchedules {
  return (schedule) => {
    const ownCron = packCron(schedule, hours);
    return { ownCron, ...scheduleForPlan(ownCron, minIntervalMinutes, hours) };
  };
}

function stripEtag<T extends { _etag?: string }>(doc: T): Omit<T, '_etag'> {
  const { _etag, ...rest } = doc;
  return rest;
}
