import type { Services } from '../app/services';
import { createAiGateway } from '../ai/create-gateway';
import type { AiGateway } from '../ai/gateway';
import { AgentService } from '../catalog/agent-service';
import { PackInstallService } from '../packs/pack-install-service';
import { WorkflowService } from '../packs/workflow-service';
import { lazy } from '../platform/lazy';
import { createRunActivities, type RunActivities } from './run-activities';
import { RunService } from './run-service';
import { ScheduleIndex } from './schedule-index';

/** Agents, workflows, packs, runs, schedules and the AI gateway, built lazily from the app's services. */
export interface AgentPlatform {
  agents: () => AgentService;
  workflows: () => WorkflowService;
  packs: () => PackInstallService;
  runs: () => RunService;
  schedules: () => ScheduleIndex;
  ai: () => AiGateway;
  runActivities: () => RunActivities;
}

export function createAgentPlatform(services: Services, overrides: { ai?: () => AiGateway } = {}): AgentPlatform {
  const { settings, clock } = services;
  const schedules = lazy(() => new ScheduleIndex(services.cosmos()));
  const agents: () => AgentService = lazy(
    () =>
      new AgentService({ store: services.cosmos(), clock, audit: services.audit, usage: services.usage, schedules }),
  );
  const workflows: () => WorkflowService = lazy(
    () =>
      new WorkflowService({
        store: services.cosmos(),
        clock,
        audit: services.audit,
        usage: services.usage,
        schedules,
        agents,
        maxSteps: settings.WORKFLOW_MAX_STEPS,
      }),
  );
  const packs = lazy(
    () =>
      new PackInstallService({
        store: services.cosmos(),
        clock,
        audit: services.audit,
        usage: services.usage,
        agents,
        workflows,
        timezoneOf: async (tenantId) => (await services.tenants().find(tenantId))?.timezone ?? 'UTC',
      }),
  );
  const runs: () => RunService = lazy(
    () =>
      new RunService({
        store: services.cosmos(),
        clock,
        audit: services.audit,
        usage: services.usage,
        agents,
        workflows,
      }),
  );
  const ai = overrides.ai ?? lazy(() => createAiGateway(settings));
  const runActivities = lazy(() =>
    createRunActivities({
      store: services.cosmos(),
      blobs: services.blobs,
      clock,
      audit: services.audit,
      events: services.events,
      usage: services.usage,
      tenantProfile: async (tenantId) => {
        const profile = await services.tenants().find(tenantId);
        return { tier: profile?.tier ?? settings.DEFAULT_TIER, timezone: profile?.timezone ?? 'UTC' };
      },
      agents,
      runs,
      gateway: ai,
      suggestions: services.suggestions,
      data: { connectors: services.connectors, snapshots: services.snapshots },
      limits: { runMaxTokens: settings.RUN_MAX_TOKENS, batchMaxItems: settings.AI_BATCH_MAX_ITEMS },
    }),
  );
  return { agents, workflows, packs, runs, schedules, ai, runActivities };
}
