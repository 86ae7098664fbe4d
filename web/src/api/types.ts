/**
 * Shapes of the API's JSON, as described by its OpenAPI document (`GET /api/openapi.json`).
 * Fields the web app does not rely on are left out; optional ones are those not every resource carries.
 */
export type { SuggestionKind } from '../../../shared/suggestions/kinds';
import type { SuggestionKind } from '../../../shared/suggestions/kinds';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Usage {
  period?: string;
  runs?: { used: number; limit: number | null };
  tokens?: { used: number; limit: number | null };
  costUsd?: { used: number; limit: number | null };
  [metric: string]: unknown;
}

export interface NotificationPreferences {
  [channel: string]: boolean | string | undefined;
}

export interface Profile {
  id?: string;
  tenantId: string;
  email?: string;
  displayName?: string;
  timezone?: string;
  locale?: string;
  tier?: string;
  notifications?: NotificationPreferences;
  usage?: Usage;
  createdAt?: string;
}

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

export interface Schedule {
  cron: string;
  timezone: string;
}

export interface Agent {
  id: string;
  name: string;
  templateId: string;
  config?: Record<string, unknown>;
  schedule?: Schedule | null;
  enabled?: boolean;
  packInstallId?: string | null;
  createdAt?: string;
  updatedAt?: string;
  nextRunAt?: string | null;
  lastRunAt?: string | null;
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

export type SuggestionStatus = 'pending' | 'approved' | 'rejected' | 'executed' | 'failed' | 'expired' | 'executing' | 'undone';

export interface RiskFlag {
  code: string;
  message?: string;
  severity?: 'low' | 'medium' | 'high';
}

export interface Suggestion {
  id: string;
  kind: SuggestionKind;
  status: SuggestionStatus | string;
  title?: string;
  summary?: string;
  rationale?: string;
  payload: Record<string, unknown>;
  original?: Record<string, unknown> | null;
  edits?: Record<string, unknown> | null;
  sources?: { type: string; id: string; title?: string }[];
  risk?: RiskFlag[] | string[];
  riskFlags?: RiskFlag[] | string[];
  confidence?: number;
  agentId?: string;
  runId?: string;
  createdAt?: string;
  expiresAt?: string | null;
  decidedAt?: string | null;
  undoableUntil?: string | null;
  canUndo?: boolean;
  result?: { message?: string; externalId?: string } | null;
  error?: string | { message: string } | null;
}

export interface Connector {
  id: string;
  provider: 'google' | 'microsoft' | 'notion' | string;
  account?: string;
  email?: string;
  displayName?: string;
  scopes?: string[];
  health: 'ok' | 'expiring' | 'needs_reauth' | 'revoked' | string;
  healthDetail?: string;
  connectedAt?: string;
  expiresAt?: string | null;
}

export interface AuditEntry {
  id: string;
  at?: string;
  timestamp?: string;
  actor?: string | { type: string; id?: string };
  action: string;
  target?: string | { type: string; id?: string };
  outcome?: string;
  source?: string;
  correlationId?: string;
  detail?: string;
}

export interface DashboardPoint {
  day?: string;
  date?: string;
  [key: string]: unknown;
}

export interface Dashboard {
  from?: string;
  to?: string;
  runsByDay?: DashboardPoint[];
  runsByStatus?: Record<string, number>;
  tokensByDay?: DashboardPoint[];
  costByDay?: DashboardPoint[];
  byAgent?: { agentId: string; agentName?: string; runs?: number; tokens?: number; costUsd?: number }[];
  suggestionOutcomes?: Record<string, number>;
  approvalLatency?: { medianSeconds?: number | null; p90Seconds?: number | null; count?: number } | null;
  [key: string]: unknown;
}
