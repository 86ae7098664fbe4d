/**
 * Shapes of the API's JSON, as described by its OpenAPI document (`GET /api/openapi.json`).
 * Fields the web app does not rely on are left out; optional ones are those not every resource carries.
 */
export type { SuggestionKind } from '../../../shared/suggestions/kinds';
import type { ProfileView } from '../../../shared/identity/tenant-profile';
import type { SuggestionView } from '../../../shared/suggestions/model';
import type { Dashboard as DashboardView } from '../../../shared/analytics/dashboard';
import type { AgentView } from '../../../shared/agents/agent-model';
import type { WorkflowView } from '../../../shared/packs/workflow-model';
import type { ConnectorInfo } from '../../../shared/connectors/types';
import type { RunView } from '../../../shared/orchestration/run-model';

export type Agent = AgentView;
export type Workflow = WorkflowView;
export type Suggestion = SuggestionView;
export type Dashboard = DashboardView;
export type Connector = ConnectorInfo;
export type Run = RunView;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One limit of the plan: `used` of `max` (used is null for limits that are settings, e.g. shortest interval). */
export interface LimitUsage {
  used: number | null;
  max: number;
  resetsAt: string | null;
}

export type Limits = Record<
  | 'agents'
  | 'workflows'
  | 'connectors'
  | 'runsPerDay'
  | 'tokensPerMonth'
  | 'approvalLinksPerDay'
  | 'scheduleMinIntervalMinutes',
  LimitUsage
>;

export interface UsagePeriod {
  start: string;
  resetsAt: string;
  runs: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  costUsd: number;
  approvalLinks: number;
}

/** `GET /api/usage` */
export interface Usage {
  tier: string;
  limits: Limits;
  today: UsagePeriod;
  month: UsagePeriod;
}

/** `GET /api/me` */
export type Profile = ProfileView & { usage: Limits; features: Record<string, boolean> };

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

/** `GET /api/catalog/templates` items */
export interface Template {
  id: string;
  name: string;
  description: string;
  families: { family: string; required: boolean }[];
  /** OAuth scopes per provider. */
  scopes: Record<string, string[]>;
  /** JSON Schema of the agent's settings. */
  configSchema: JsonSchema;
  suggestionKinds: string[];
  defaultModelClass: 'small' | 'large';
  promptVersion: string;
  coordinator: boolean;
}

/** `GET /api/catalog/packs` items */
export interface Pack {
  id: string;
  name: string;
  description: string;
  agents: { key: string; templateId: string; name: string; config: Record<string, unknown> }[];
  workflows: {
    key: string;
    name: string;
    mode: 'sequential' | 'parallel';
    stepKeys: string[];
    coordinatorKey: string | null;
    cron: string | null;
  }[];
  /** The connector scopes the pack needs, per provider. */
  scopes: Record<string, string[]>;
}

/** `GET /api/packs` items */
export interface InstalledPack {
  installId: string;
  packId: string;
  installedAt: string;
  timezone: string;
  agentIds: string[];
  workflowIds: string[];
}

/** `GET /api/audit` items */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: 'person' | 'agent' | 'system'; id: string; name?: string };
  action: string;
  target: { type: string; id: string };
  outcome: 'success' | 'failure' | 'denied';
  source: string;
  correlationId?: string;
  summary: string;
}
