import { hkdfSync } from 'node:crypto';
import { createAuditLog } from '../../platform/audit/audit-log';
import { createBlobStore } from '../../platform/blob/blob-store';
import { createFeatureFlags } from '../../platform/config/features';
import { createCosmosStore } from '../../platform/cosmos/store';
import { createEventPublisher } from '../../platform/events/publisher';
import { lazy } from '../../platform/lazy';
import { resolveRateLimits } from '../../platform/config/rate-limits';
import { createRateLimiter } from '../../platform/http/rate-limit';
import { createHealthMonitor } from '../../platform/health/health';
import { createJwtAuthenticator } from '../../identity/jwt-authenticator';
import { loadLinkKey } from '../../suggestions/link-signer';
import type { Services } from '../services-type';

/** Stores, events, authentication, audit and feature flags. */
export function wirePlatform(
  root: Services,
): Pick<Services, 'cosmos' | 'blobs' | 'events' | 'authenticator' | 'audit' | 'flags' | 'rateLimiter' | 'health'> {
  const { settings, clock } = root;
  // List cursors are signed with a key derived from the app's link key: one secret to keep, a separate key per use.
  const cursorKey = () => Buffer.from(hkdfSync('sha256', loadLinkKey(settings), '', 'list-cursors', 32));
  const cosmos = lazy(() => createCosmosStore(settings, cursorKey));
  return {
    cosmos,
    blobs: lazy(() => createBlobStore(settings)),
    events: lazy(() => createEventPublisher(settings)),
    authenticator: lazy(() =>
      createJwtAuthenticator({
        issuer: settings.AUTH_ISSUER,
        audience: settings.AUTH_AUDIENCE,
        jwksUri: settings.AUTH_JWKS_URI,
        clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
        jwksCooldownSeconds: settings.AUTH_JWKS_COOLDOWN_SECONDS,
        requiredScope: settings.AUTH_REQUIRED_SCOPE,
        allowedClientIds: settings.AUTH_ALLOWED_CLIENT_IDS,
      }),
    ),
    audit: lazy(() =>
      createAuditLog(cosmos(), clock, async (tenantId) => {
        const days = (await root.tenants().find(tenantId))?.auditRetentionDays ?? settings.AUDIT_RETENTION_DAYS;
        return days > 0 ? days : undefined;
      }),
    ),
    flags: lazy(() => createFeatureFlags(settings)),
    // Dependency checks are reused for a few seconds: probes and bursts of callers cost the stores nothing.
    health: lazy(() => createHealthMonitor({ clock, cacheMs: 5_000 })),
    rateLimiter: lazy(() =>
      settings.API_RATE_LIMIT_ENABLED
        ? createRateLimiter({
            clock,
            sizes: resolveRateLimits(settings.API_RATE_LIMITS),
            tierOf: async (tenantId) => (await root.tenants().find(tenantId))?.tier ?? settings.DEFAULT_TIER,
          })
        : undefined,
    ),
  };
}
