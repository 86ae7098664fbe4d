import { createPrivacyService } from '../../identity/privacy';
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
export function wireIdentity(root: Services): Pick<Services, 'tenants' | 'usage' | 'privacy'> {
  const { settings, clock } = root;
  const tierLimits = resolveTierLimits(settings.TIER_LIMITS);
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
    privacy: lazy(() =>
      createPrivacyService({
        cosmos: root.cosmos,
        blobs: root.blobs,
        clock,
        audit: root.audit,
        exportInlineMaxBytes: settings.EXPORT_INLINE_MAX_BYTES,
        // Every context whose data the default export and erasure (tenant containers, blobs, orchestrations) miss.
        participants: lazy(() => [
          // Push channels are stopped while the connectors' tokens still exist.
          pushPrivacy(root.pushSubscriptions),
          connectorsPrivacy(root.connectorService),
          schedulesPrivacy(root.schedules),
          eventsPrivacy(root.triggers),
          approvalsPrivacy({ suggestions: root.suggestions, markers: root.markers }),
          apiAccessPrivacy(() => root.apiTokens()),
          runsPrivacy(root.runs),
        ]),
      }),
    ),
  };
}
