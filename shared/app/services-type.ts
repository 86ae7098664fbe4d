import type { Settings } from '../platform/config';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import type { BlobStore } from '../platform/blob/blob-store';
import type { EventPublisher } from '../platform/events/publisher';
import type { Authenticator } from '../platform/http/principal';
import type { RateLimiter } from '../platform/http/rate-limit';
import type { HealthMonitor } from '../platform/health/health';
import type { AuditLog } from '../platform/audit/audit-log';
import type { FeatureFlags } from '../platform/config/features';
import type { TenantService } from '../identity/tenants';
import type { UsageService } from '../identity/usage';
import type { PrivacyService } from '../identity/privacy';
import type { ExportService } from '../identity/exports';
import type { ConnectorHub, SnapshotStore } from '../connectors/types';
import type { ConnectorService } from '../connectors';
import type { SuggestionService } from '../suggestions/suggestion-service';
import type { ApprovalActivities } from '../suggestions/approval-activities';
import type { ApprovalLinks } from '../suggestions/approval-links';
import type { LinkSigner } from '../suggestions/link-signer';
import type { SystemMarkers } from '../suggestions/system-markers';
import type { SourceMessages } from '../suggestions/source-message';
import type { EmailTransport } from '../communications/email-transport';
import type { Notifier } from '../communications/notifier';
import type { RollupStore } from '../analytics/rollups';
import type { AgentService } from '../agents/agent-service';
import type { WorkflowService } from '../packs/workflow-service';
import type { PackInstallService } from '../packs/pack-install-service';
import type { RunService } from '../orchestration/run-service';
import type { ScheduleIndex } from '../schedules/schedule-index';
import type { AiGateway } from '../ai/gateway';
import type { RunActivities } from '../orchestration/run-activities';
import type { ApiTokenService } from '../api-access/token-service';
import type { TriggerIndex } from '../events/trigger-index';
import type { Coalescer } from '../events/coalescer';
import type { ChangeProbe } from '../events/change-probe';
import type { ChangeSignals } from '../events/change-signals';
import type { PushSubscriptions } from '../events/push/push-subscriptions';
import type { PushReceivers } from '../events/push/receivers';
import type { WebhookService } from '../api-access/webhook-service';
import type { WebhookDelivery } from '../api-access/webhook-delivery';
import type { Watermarks } from '../events/watermarks';

/**
 * What the composition root (services.ts) provides: each adapter and service as a lazy getter. Each context's
 * services are wired in `wiring/<context>.ts`, where every factory gets exactly the dependencies it declares.
 */
export interface Services {
  settings: Settings;
  clock: Clock;
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  events: () => EventPublisher;
  authenticator: () => Authenticator;
  audit: () => AuditLog;
  flags: () => FeatureFlags;
  /** The API's per-tenant and per-address rate limits; undefined when turned off. */
  rateLimiter: () => RateLimiter | undefined;
  /** GET /api/health's dependency checks, cached for a few seconds. */
  health: () => HealthMonitor;
  /** Personal tenants and profiles. */
  tenants: () => TenantService;
  /** Tier limits and usage meters. */
  usage: () => UsageService;
  /** Export and erasure of a tenant's data (each context's participant is listed in wiring/identity.ts). */
  privacy: () => PrivacyService;
  /** Asynchronous data exports: asked for, written in the background, downloaded, expired. */
  exports: () => ExportService;
  /** Suggestions, approvals and their execution (also the agents' SuggestionSink). */
  suggestions: () => SuggestionService;
  /** The message a suggestion answers, read live from the account for display beside it (never stored). */
  sourceMessages: () => SourceMessages;
  /** The steps of a suggestion's approval wait (registered as Durable activities). */
  approvalActivities: () => ApprovalActivities;
  /** Signed single-use approve/reject links for emails. */
  approvalLinks: () => ApprovalLinks;
  linkSigner: () => LinkSigner;
  /** "Once only" markers in the system container (used links, processed events). */
  markers: () => SystemMarkers;
  email: () => EmailTransport;
  notifier: () => Notifier;
  /** Dashboard rollups kept by the analytics consumer. */
  rollups: () => RollupStore;
  /** Connected accounts: OAuth, tokens, health (behind the connectors API). */
  connectorService: () => ConnectorService;
  /** Ready mail/calendar/files/notes providers for a tenant's connectors. */
  connectors: () => ConnectorHub;
  /** What runs read, frozen for replays. */
  snapshots: () => SnapshotStore;
  /** Agents made from templates. */
  agents: () => AgentService;
  workflows: () => WorkflowService;
  /** Installed packs (their agents and workflows). */
  packs: () => PackInstallService;
  runs: () => RunService;
  /** When each scheduled agent and workflow runs next (system container). */
  schedules: () => ScheduleIndex;
  /** The AI gateway the runs call. */
  ai: () => AiGateway;
  /** What the run orchestration's activities do. */
  runActivities: () => RunActivities;
  /** Personal access tokens: made with the person's sign-in, accepted in its place on scoped routes. */
  apiTokens: () => ApiTokenService;
  /** Which agents and workflows react to which changes, and which sources are polled when (system container). */
  triggers: () => TriggerIndex;
  /** One event-triggered run per target in flight; changes during it start exactly one follow-up. */
  coalescer: () => Coalescer;
  /** The poller's and the trigger filters' cheap looks at connected accounts. */
  changeProbe: () => ChangeProbe;
  /** The seam every change notification (push or poll) calls. */
  changeSignals: () => ChangeSignals;
  /** Push channels (Graph subscriptions, Gmail watches) of connected accounts, and their renewal. */
  pushSubscriptions: () => PushSubscriptions;
  /** What the endpoints providers post notifications to do. */
  pushReceivers: () => PushReceivers;
  /** The person's webhooks and their deliveries. */
  webhooks: () => WebhookService;
  /** Which webhooks an event goes to, and signed delivery attempts. */
  webhookDelivery: () => WebhookDelivery;
  /** Where each agent stands in each source of each connected account. */
  watermarks: () => Watermarks;
}
