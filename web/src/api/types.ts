/**
 * Shapes of the API's JSON: the types inferred from the zod schemas the app validates and documents its answers with
 * (the OpenAPI document, `GET /api/openapi.json`, is built from the same schemas). Type-only imports: nothing
 * server-side is bundled.
 */
import type { z } from 'zod';
export type { Page } from '../../../shared/platform/http/paging';
import type { SuggestionView } from '../../../shared/suggestions/model';
import type { SuggestionSource as SuggestionSourceView } from '../../../shared/suggestions/kinds';
import type { SourceMessageView } from '../../../shared/suggestions/source-message';
import type { Dashboard as DashboardView } from '../../../shared/analytics/dashboard';
import type { AgentView } from '../../../shared/agents/agent-model';
import type { WorkflowView } from '../../../shared/packs/workflow-model';
import type { ConnectorInfo } from '../../../shared/connectors/types';
import type { authorizationStartView, connectableProviderView } from '../../../shared/connectors/view';
import type { RunView } from '../../../shared/orchestration/run-model';
import type { auditRecordSchema } from '../../../shared/platform/audit/audit-view';
import type { templateView } from '../../../shared/catalog/template-view';
import type { packOfferView, packView } from '../../../shared/packs/pack-view';
import type { installView } from '../../../functions/packs';
import type { startedRunView } from '../../../functions/runs';
import type { bulkResponse } from '../../../functions/suggestions';
import type { limitsReportSchema, meResponse, usageResponse } from '../../../shared/identity/views';
import type { eventCatalogView } from '../../../shared/events/event-kinds';
import type { triggerStatusView } from '../../../shared/events/trigger-status';
import type { ExportView } from '../../../shared/identity/export-model';

export type Agent = AgentView;
export type Workflow = WorkflowView;
export type Suggestion = SuggestionView;
/** One item a suggestion is based on, with what it kept to show (a message: subject, sender, date). */
export type SuggestionSource = SuggestionSourceView;
/** `GET /api/suggestions/{id}/source`: the mail a suggestion answers, read live from the account. */
export type SourceMessage = SourceMessageView;
export type Dashboard = DashboardView;
export type Connector = ConnectorInfo;
/** `GET /api/catalog/providers`: a vendor this installation can connect. */
export type ConnectableProvider = z.infer<typeof connectableProviderView>;
export type Run = RunView;

/** `POST /api/orchestration/runs` */
export type StartedRun = z.infer<typeof startedRunView>;

/** `POST /api/connectors/{provider}/authorize` */
export type AuthorizationStart = z.infer<typeof authorizationStartView>;

/** Each limit of the plan: `used` of `max` (used is null for limits that are settings, e.g. shortest interval). */
export type Limits = z.infer<typeof limitsReportSchema>;

/** `GET /api/usage` */
export type Usage = z.infer<typeof usageResponse>;

/** An event trigger of an agent or workflow (`events` items). */
export type EventTriggerValue = AgentView['events'][number];

/** `GET /api/catalog/events` items */
export type EventKindInfo = z.infer<typeof eventCatalogView>['items'][number];

/** `GET /api/triggers/{agent|workflow}/{id}` */
export type TriggerStatus = z.infer<typeof triggerStatusView>;

/** `GET /api/me` */
export type Profile = z.infer<typeof meResponse>;

/** `POST /api/me/exports`, `GET /api/me/exports/{id}` */
export type DataExport = ExportView;

/** `GET /api/catalog/packs` items */
export type Pack = z.infer<typeof packView>;

/** `GET /api/catalog/packs/{packId}`: the pack with the permissions it needs that are not granted yet */
export type PackOffer = z.infer<typeof packOfferView>;

/** `GET /api/packs` items */
export type InstalledPack = z.infer<typeof installView>;

/** `GET /api/audit` items */
export type AuditEntry = z.infer<typeof auditRecordSchema>;

/** `POST /api/suggestions/bulk`: one result per id. */
export type BulkResult = z.infer<typeof bulkResponse>;

/** The part of JSON Schema the settings form reads (the API describes agent settings with JSON Schema). */
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

/** `GET /api/catalog/templates` items; `configSchema` read as the JSON Schema it is. */
export type Template = Omit<z.infer<typeof templateView>, 'configSchema'> & { configSchema: JsonSchema };
