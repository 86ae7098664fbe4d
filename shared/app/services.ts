import { getSettings, type Settings } from '../platform/config';
import { systemClock, type Clock } from '../platform/clock';
import { createCosmosStore, type CosmosStore } from '../platform/cosmos/store';
import { createBlobStore, type BlobStore } from '../platform/blob/blob-store';
import { createEventPublisher, type EventPublisher } from '../platform/events/publisher';
import { createJwtAuthenticator } from '../identity/jwt-authenticator';
import type { Authenticator } from '../identity/principal';
import { lazy } from '../platform/lazy';
import { AuditLog } from '../platform/audit/audit-log';
import { createTenantService, type TenantService } from '../identity/tenants';
import { createUsageService, type UsageService } from '../identity/usage';
import { createPrivacyService, type PrivacyService } from '../identity/privacy';
import { createFeatureFlags, type FeatureFlags } from '../platform/config/features';
import { resolveTierLimits } from '../platform/config/tiers';
import type { ConnectorHub, SnapshotStore } from '../connectors/types';
import {
  createConnectorService,
  createConnectors,
  createSnapshots,
  type ConnectorDeps,
  type ConnectorService,
} from '../connectors';
import { installedPackFamilies } from '../connectors/pack-needs';
import { createSuggestionService, type SuggestionService } from '../suggestions/suggestion-service';
import { createConnectorActionRunner } from '../suggestions/actions';
import { createApprovalLinks, type ApprovalLinks } from '../suggestions/approval-links';
import { createLinkSigner, loadLinkKey, type LinkSigner } from '../suggestions/link-signer';
import { createSystemMarkers, type SystemMarkers } from '../suggestions/system-markers';
import { createEmailTransport, type EmailTransport } from '../communications/email-transport';
import { createNotifier, type Notifier } from '../communications/notifier';
import { createRollupStore, DEFAULT_TIME_SAVED_MINUTES, type RollupStore } from '../analytics/rollups';
import { createAgentPlatform, type AgentPlatform } from '../orchestration/agent-platform';

/**
 * The composition root: builds each adapter and service once, on first use, from the settings.
 * Functions get their services from here; tests and the local runtime configure it through app settings,
 * so the same wiring runs everywhere. Each context adds its services as lazy getters below.
 */
export interface Services {
  settings: Settings;
  clock: Clock;
  cosmos: () => CosmosStore;
  blobs: () => BlobStore;
  events: () => EventPublisher;
  authenticator: () => Authenticator;
  audit: () => AuditLog;
  /** Personal tenants and profiles. */
  tenants: () => TenantService;
  /** Tier limits and usage meters. */
  usage: () => UsageService;
  /** Export and erasure of a tenant's data (participants register in shared/identity/privacy.ts). */
  privacy: () => PrivacyService;
  flags: () => FeatureFlags;
  /** Suggestions, approvals and their execution (also the agents' SuggestionSink). */
  suggestions: () => SuggestionService;
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
  /** Agents, workflows, packs, runs, schedules and the AI gateway. */
  agentPlatform: () => AgentPlatform;
}

export function createServices(settings: Settings, clock: Clock = systemClock): Services {
  const cosmos = lazy(() => createCosmosStore(settings));
  const blobs = lazy(() => createBlobStore(settings));
  const events = lazy(() => createEventPublisher(settings));
  const authenticator = lazy(() =>
    createJwtAuthenticator({
      issuer: settings.AUTH_ISSUER,
      audience: settings.AUTH_AUDIENCE,
      jwksUri: settings.AUTH_JWKS_URI,
      clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
      jwksCooldownSeconds: settings.AUTH_JWKS_COOLDOWN_SECONDS,
    }),
  );
  const audit: () => AuditLog = lazy(
    () =>
      new AuditLog(cosmos(), clock, async (tenantId) => {
        const days = (await tenants().find(tenantId))?.auditRetentionDays ?? settings.AUDIT_RETENTION_DAYS;
        return days > 0 ? days : undefined;
      }),
  );
  const tenants: () => TenantService = lazy(() =>
    createTenantService({
      store: cosmos(),
      clock,
      audit,
      defaults: {
        tier: settings.DEFAULT_TIER,
        timezone: 'UTC',
        locale: 'en',
        auditRetentionDays: settings.AUDIT_RETENTION_DAYS,
      },
    }),
  );
  const tierLimits = resolveTierLimits(settings.TIER_LIMITS);
  const usage = lazy(() =>
    createUsageService({
      store: cosmos(),
      clock,
      limits: tierLimits,
      tierOf: async (tenantId) => (await tenants().find(tenantId))?.tier ?? settings.DEFAULT_TIER,
    }),
  );
  const flags = lazy(() => createFeatureFlags(settings));
  const markers = lazy(() => createSystemMarkers(cosmos(), () => clock.now()));
  const linkSigner = lazy(() => createLinkSigner(loadLinkKey(settings)));
  const connectorHub = (): ConnectorHub => self.connectors();
  const suggestions: () => SuggestionService = lazy(() =>
    createSuggestionService({
      store: cosmos(),
      clock,
      audit,
      events,
      actions: lazy(() => createConnectorActionRunner(connectorHub)),
      ownerEmail: async (tenantId) => (await tenants().find(tenantId))?.email || undefined,
      expirySeconds: settings.SUGGESTION_EXPIRY_SECONDS,
      undoWindowSeconds: settings.SUGGESTION_UNDO_WINDOW_SECONDS,
    }),
  );
  const approvalLinks = lazy(() =>
    createApprovalLinks({
      signer: linkSigner(),
      markers: markers(),
      suggestions,
      clock,
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      linkTtlSeconds: settings.APPROVAL_LINK_TTL_SECONDS,
    }),
  );
  const email = lazy(() => createEmailTransport(settings));
  const notifier = lazy(() =>
    createNotifier({
      clock,
      store: cosmos(),
      markers: markers(),
      transport: email,
      suggestions,
      links: approvalLinks,
      signer: linkSigner,
      recipient: (tenantId) => tenants().find(tenantId),
      allowApprovalLinks: async (tenantId, count) => {
        try {
          await usage().checkLimit(tenantId, 'approvalLinksPerDay', { amount: count });
        } catch {
          return false;
        }
        await usage().record(tenantId, { approvalLinks: count });
        return true;
      },
      publicBaseUrl: settings.PUBLIC_BASE_URL,
      webBaseUrl: settings.WEB_BASE_URL,
    }),
  );
  const rollups = lazy(() =>
    createRollupStore({
      store: cosmos(),
      markers: markers(),
      now: () => clock.now(),
      timeSavedMinutes: {
        ...DEFAULT_TIME_SAVED_MINUTES,
        ...(settings.TIME_SAVED_MINUTES ? (JSON.parse(settings.TIME_SAVED_MINUTES) as Record<string, number>) : {}),
      },
    }),
  );
  const connectorDeps: ConnectorDeps = {
    settings,
    clock,
    cosmos,
    blobs,
    audit,
    events,
    requiredFamilies: (tenantId) => installedPackFamilies(cosmos(), tenantId),
    allowNewConnector: (tenantId) => usage().checkLimit(tenantId, 'connectors'),
  };
  const connectorService = lazy(() => createConnectorService(connectorDeps));
  const connectors = lazy(() => createConnectors(connectorDeps, connectorService()));
  const snapshots = lazy(() => createSnapshots(connectorDeps));
  const self: Services = {
    settings,
    clock,
    cosmos,
    blobs,
    events,
    authenticator,
    audit,
    tenants,
    usage,
    privacy: () => privacy(),
    flags,
    suggestions,
    approvalLinks,
    linkSigner,
    markers,
    email,
    notifier,
    rollups,
    connectorService,
    connectors,
    snapshots,
    agentPlatform: () => agentPlatform(),
  };
  const agentPlatform = lazy(() => createAgentPlatform(self));
  const privacy = lazy(() => createPrivacyService(self));
  return self;
}

let services: Services | undefined;

/** This process's services. */
export function getServices(): Services {
  services ??= createServices(getSettings());
  return services;
}
