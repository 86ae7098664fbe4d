import { hkdfSync } from 'node:crypto';
import { createPrivacyService } from '../../identity/privacy';
import { createExportService, exportsPrivacy } from '../../identity/exports';
import { loadLinkKey } from '../../suggestions/link-signer';
import { createTenantService } from '../../identity/tenants';
import { createUsageService } from '../../identity/usage';
import { resolveTierLimits } from '../../platform/config/tiers';
import { lazy } from '../../platform/lazy';
import { connectorsPrivacy } from '../../connectors/privacy';
import { schedulesPrivacy } from '../../schedules/privacy';
import { eventsPrivacy } from '../../events/privacy';
import { countEventTriggers } from '../../events/trigger-limit';
import { pushPrivacy } from '../../events/push/privacy';
import { approvalsPrivacy } from '../../suggestions/privacy';
import { apiAccessPrivacy } from '../../api-access/privacy';
import { runsPrivacy } from '../../orchestration/privacy';
import type { Services } from '../services-type';

/** Tenants, usage meters and limits, and export and erasure with every context's participant. */
export function wireIdentity(root: Services): Pick<Services, 'tenants' | 'usage' | 'privacy' | 'exports'> {
  const { settings, clock } = root;
  const tierLimits = resolveTierLimits(settings.TIER_LIMITS);
  // Every context whose data the default export and erasure (tenant containers, blobs, orchestrations) miss.
  const participants = lazy(() => [
    // Push channels are stopped while the connectors' tokens still exist.
    pushPrivacy(root.pushSubscriptions),
    connectorsPrivacy(root.connectorService),
    schedulesPrivacy(root.schedules),
    eventsPrivacy(root.triggers),
    approvalsPrivacy({ suggestions: root.suggestions, markers: root.markers }),
    apiAccessPrivacy(() => root.apiTokens()),
    runsPrivacy(root.runs),
    exportsPrivacy(root.exports),
  ]);
  return {
    tenants: lazy(() =>
      createTenantService({
        store: root.cosmos(),
        clock,
        audit: root.audit,
        defaults: {
          tier: settings.DEFAULT_TIER,
          timezone: 'UTC',
          locale: 'en',
          auditRetentionDays: settings.AUDIT_RETENTION_DAYS,
        },
        workingHoursSaved: (tenantId, hours, actor) => root.packs().followWorkingHours(tenantId, hours, actor),
      }),
    ),
    usage: lazy(() =>
      createUsageService({
        store: root.cosmos(),
        clock,
        limits: tierLimits,
        tierOf: async (tenantId) => (await root.tenants().find(tenantId))?.tier ?? settings.DEFAULT_TIER,
        countEventTriggers: (tenantId) => countEventTriggers(root.triggers(), tenantId),
      }),
    ),
    privacy: lazy(() => createPrivacyService({ cosmos: root.cosmos, blobs: root.blobs, clock, participants })),
    exports: lazy(() =>
      createExportService({
        cosmos: root.cosmos,
        blobs: root.blobs,
        clock,
        audit: root.audit,
        participants,
        // Download links are signed with a key derived from the app's link key, as list cursors are.
        linkKey: lazy(() => Buffer.from(hkdfSync('sha256', loadLinkKey(settings), '', 'export-downloads', 32))),
        publicBaseUrl: settings.PUBLIC_BASE_URL,
        retentionHours: settings.EXPORT_RETENTION_HOURS,
        linkTtlSeconds: settings.EXPORT_LINK_TTL_SECONDS,
      }),
    ),
  };
}
