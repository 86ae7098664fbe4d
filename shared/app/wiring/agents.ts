import { createAiGateway } from '../../ai/create-gateway';
import { createAgentService } from '../../agents/agent-service';
import { createPackInstallService } from '../../packs/pack-install-service';
import { createWorkflowService, type WorkflowService } from '../../packs/workflow-service';
import { createRunActivities } from '../../orchestration/run-activities';
import { createRunService } from '../../orchestration/run-service';
import { createScheduleIndex } from '../../schedules/schedule-index';
import { parseAddress } from '../../connectors/text';
import { lazy } from '../../platform/lazy';
import type { Services } from '../services-type';
import { workingHoursOf } from '../../identity/tenant-profile';

/** Agents, workflows, packs, runs, schedules and the AI gateway. */
export function wireAgents(
  root: Services,
): Pick<Services, 'agents' | 'workflows' | 'packs' | 'runs' | 'schedules' | 'ai' | 'runActivities'> {
  const { settings, clock } = root;
  const schedules = lazy(() => createScheduleIndex(root.cosmos()));
  const agents = lazy(() =>
    createAgentService({
      store: root.cosmos(),
      clock,
      audit: root.audit,
      usage: root.usage,
      schedules,
      triggers: root.triggers,
      hasFamily: async (tenantId, family) => Boolean(await root.connectors().find(tenantId, family)),
      workflowsUsing: (tenantId, agentId) => workflows().usingAgent(tenantId, agentId),
    }),
  );
  const workflows: () => WorkflowService = lazy(() =>
    createWorkflowService({
      store: root.cosmos(),
      clock,
      audit: root.audit,
      usage: root.usage,
      schedules,
      triggers: root.triggers,
      hasFamily: async (tenantId, family) => Boolean(await root.connectors().find(tenantId, family)),
      agents,
      maxSteps: settings.WORKFLOW_MAX_STEPS,
    }),
  );
  const packs = lazy(() =>
    createPackInstallService({
      store: root.cosmos(),
      clock,
      audit: root.audit,
      usage: root.usage,
      agents,
      workflows,
      profileOf: async (tenantId) => {
        const profile = await root.tenants().find(tenantId);
        return { timezone: profile?.timezone ?? 'UTC', workingHours: workingHoursOf(profile ?? {}) };
      },
      scheduleMinIntervalOf: (tenantId) => scheduleMinIntervalOf(root, tenantId),
    }),
  );
  const runs = lazy(() =>
    createRunService({ store: root.cosmos(), clock, audit: root.audit, usage: root.usage, agents, workflows }),
  );
  const ai = lazy(() => createAiGateway(settings));
  const runActivities = lazy(() =>
    createRunActivities({
      blobs: root.blobs,
      clock,
      audit: root.audit,
      events: root.events,
      usage: root.usage,
      tenantProfile: async (tenantId) => {
        const profile = await root.tenants().find(tenantId);
        return { tier: profile?.tier ?? settings.DEFAULT_TIER, timezone: profile?.timezone ?? 'UTC' };
      },
      agents,
      runs,
      gateway: ai,
      suggestions: root.suggestions,
      data: {
        connectors: root.connectors,
        snapshots: root.snapshots,
        // The platform's own notification emails are never gathered.
        platformSender: parseAddress(settings.EMAIL_FROM).email,
      },
      // Wired after the agents (events context): read when a step runs.
      watermarks: () => root.watermarks(),
      limits: { runMaxTokens: settings.RUN_MAX_TOKENS, batchMaxItems: settings.AI_BATCH_MAX_ITEMS },
    }),
  );
  return { agents, workflows, packs, runs, schedules, ai, runActivities };
}

/** The shortest schedule interval of the tenant's plan. */
async function scheduleMinIntervalOf(root: Services, tenantId: string): Promise<number> {
  const tier = (await root.tenants().find(tenantId))?.tier ?? root.settings.DEFAULT_TIER;
  return root.usage().tierLimits(tier).scheduleMinIntervalMinutes;
}
