/**
 * Shapes of the API's JSON, as described by its OpenAPI document (`GET /api/openapi.json`).
 * Fields the web app does not rely on are left out; optional ones are those not every resource carries.
 */
export type { SuggestionKind } from '../../../shared/suggestions/kinds';
import type { ProfileView } from '../../../shared/identity/tenant-profile';
import type { SuggestionView } from '../../../shared/suggestions/model';
import type { Dashboard as DashboardView } from '../../../shared/analytics/dashboard';
import type { AgentView } from '../../../shared/catalog/agent-model';
import type { WorkflowView } from '../../../shared/packs/workflow-model';
import type { ConnectorInfo } from '../../../shared/connectors/types';

export type Agent = AgentView;
export type Workflow = WorkflowView;
export type Suggestion = SuggestionView;
export type Dashboard = DashboardView;
export type Connector = ConnectorInfo;

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

export type Limits = Record<'agents' | 'workflows' | 'connectors' | 'runsPerDay' | 'tokensPerMonth' | 'approvalLinksPerDay' | 'scheduleMinIntervalMinutes', LimitUsage>;

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

export interface Template {
  id: string;
  name: string;
  description?: string;
  category?: string;
  connectors?: string[];
  scopes?: string[];
  configSchema?: JsonSchema;
  defaultConfig?: Record<string, unknown>;
  outputs?: string[];
}

export interface PackRequirement {
  provider: string;
  scopes: string[];
  reason?: string;
}

export interface Pack {
  id: string;
  name: string;
  description?: string;
  templates?: string[];
  agents?: { templateId: string; name?: string }[];
  connectors?: PackRequirement[];
  schedule?: { cron: string; timezone?: string } | null;
}

export interface InstalledPack {
  id: string;
  packId: string;
  name?: string;
  installedAt?: string;
  agentIds?: string[];
  workflowIds?: string[];
}

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'canceled' | 'cancelling';

export interface RunStep {
  name: string;
  status: string;
  startedAt?: string;
  completedAt?: string;
  detail?: string;
  agentId?: string;
}

export interface Run {
  id: string;
  agentId?: string | null;
  workflowId?: string | null;
  agentName?: string;
  status: RunStatus | string;
  trigger?: string;
  progress?: { percent?: number; message?: string; step?: string } | number | null;
  steps?: RunStep[];
  inputs?: { source: string; count?: number; detail?: string }[] | Record<string, unknown>;
  tokens?: { prompt: number; completion: number; total?: number };
  costUsd?: number;
  cost?: number;
  suggestionIds?: string[];
  error?: { code?: string; message: string } | string | null;
  createdAt?: string;
  startedAt?: string;
  completedAt?: string | null;
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
