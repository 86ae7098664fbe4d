import type { Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { Tier } from '../platform/config/tiers';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type Stored } from '../platform/cosmos/tenant-repository';
import { NotFoundError } from '../platform/errors';
import type { Principal } from '../platform/http/principal';
import { normalizeWorkingHours, type WorkingHours } from './working-hours';
import { workingHoursOf, type ProfileUpdate, type TenantProfile } from './tenant-profile';

export interface TenantDefaults {
  tier: Tier;
  timezone: string;
  locale: string;
  auditRetentionDays: number;
}

/** Personal tenants: provisioning on first sign-in, profile reads and updates. */
export interface TenantService {
  /** Returns the caller's tenant, creating it on the first call. Safe under concurrent first calls (one tenant). */
  ensure(principal: Principal, actor?: Partial<Actor>): Promise<Stored<TenantProfile>>;
  /** The tenant's profile; NotFoundError when it does not exist. */
  get(tenantId: string): Promise<Stored<TenantProfile>>;
  /** The profile, or undefined (no error) when the tenant does not exist. */
  find(tenantId: string): Promise<Stored<TenantProfile> | undefined>;
  /** Applies a profile update; a stale `ifMatch` is a 412. Audited. */
  update(
    tenantId: string,
    update: ProfileUpdate,
    options?: Partial<Actor> & { ifMatch?: string },
  ): Promise<Stored<TenantProfile>>;
  /** Changes the subscription tier (billing, administration). Audited as a system action. */
  setTier(tenantId: string, tier: Tier, actor?: Partial<Actor>): Promise<Stored<TenantProfile>>;
}

export function createTenantService(deps: {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  defaults: TenantDefaults;
  /** Called after a person saves their working hours, so schedules that follow them move along. */
  workingHoursSaved?: (tenantId: string, hours: WorkingHours, actor: Actor) => Promise<void>;
}): TenantService {
  const repo = createTenantRepository<TenantProfile>(deps.store, 'tenants', 'tenant');

  const service: TenantService = {
    async ensure(principal, actor = {}) {
      const existing = await repo.get(principal.tenantId, principal.tenantId);
      if (existing) return existing;
      const now = deps.clock.now().toISOString();
      const email = principal.email ?? '';
      const doc: TenantProfile = {
        id: principal.tenantId,
        tenantId: principal.tenantId,
        issuer: principal.issuer,
        subject: principal.subject,
        email,
        displayName: principal.name?.trim() || email.split('@')[0] || 'You',
        timezone: deps.defaults.timezone,
        locale: deps.defaults.locale,
        tier: deps.defaults.tier,
        notifications: { mode: 'immediate', digestHour: 8, approvalLinks: true },
        auditRetentionDays: deps.defaults.auditRetentionDays,
        createdAt: now,
        updatedAt: now,
      };
      // The id is the tenant id, so concurrent first calls race on one create: exactly one wins, the rest read it.
      const { doc: stored, created } = await repo.createIfAbsent(doc);
      if (created) {
        await deps.audit().record({
          tenantId: principal.tenantId,
          actor: { type: 'person', id: principal.subject, name: stored.displayName },
          action: 'tenant.created',
          target: { type: 'tenant', id: principal.tenantId },
          outcome: 'success',
          source: actor.source ?? 'web',
          correlationId: actor.correlationId,
          summary: 'Personal workspace created on first sign-in',
          after: { email: stored.email, tier: stored.tier, timezone: stored.timezone },
        });
      }
      return stored;
    },

    async get(tenantId) {
      const doc = await repo.get(tenantId, tenantId);
      if (!doc) throw new NotFoundError('tenant');
      return doc;
    },

    find(tenantId) {
      return repo.get(tenantId, tenantId);
    },

    async update(tenantId, update, options = {}) {
      const apply = (current: Stored<TenantProfile>): TenantProfile => {
        const { _etag: _version, ...rest } = current;
        const notifications = { ...current.notifications, ...(update.notifications ?? {}) };
        // Links already emailed stop working when the person turns them (or all emails) off.
        const revokesLinks =
          (current.notifications.approvalLinks && !notifications.approvalLinks) ||
          (current.notifications.mode !== 'off' && notifications.mode === 'off');
        return {
          ...rest,
          ...(update.displayName !== undefined ? { displayName: update.displayName } : {}),
          ...(update.timezone !== undefined ? { timezone: update.timezone } : {}),
          ...(update.locale !== undefined ? { locale: update.locale } : {}),
          ...(update.auditRetentionDays !== undefined ? { auditRetentionDays: update.auditRetentionDays } : {}),
          ...(update.undoSendSeconds !== undefined ? { undoSendSeconds: update.undoSendSeconds } : {}),
          ...(update.workingHours !== undefined ? { workingHours: normalizeWorkingHours(update.workingHours) } : {}),
          notifications,
          ...(revokesLinks ? { linkEpoch: (current.linkEpoch ?? 0) + 1 } : {}),
          updatedAt: deps.clock.now().toISOString(),
        };
      };
      let current = await service.get(tenantId);
      let saved: Stored<TenantProfile>;
      if (options.ifMatch) {
        // The client's version must still be the stored one (412 otherwise).
        saved = await repo.replace(apply(current), options.ifMatch);
      } else {
        // Last writer wins field by field: re-read and re-apply when another change got in between.
        saved = await repo.update(tenantId, tenantId, (latest) => {
          current = latest;
          return apply(latest);
        });
      }
      if (update.auditRetentionDays !== undefined) deps.audit().retentionChanged(tenantId);
      const changed = Object.keys(update) as (keyof ProfileUpdate)[];
      await deps.audit().record({
        tenantId,
        actor: { type: options.actorType ?? 'person', id: options.actorId ?? current.subject, name: saved.displayName },
        action: 'profile.updated',
        target: { type: 'tenant', id: tenantId },
        outcome: 'success',
        source: options.source ?? 'web',
        correlationId: options.correlationId,
        summary: `Profile updated: ${changed.join(', ') || 'nothing'}`,
        before: Object.fromEntries(changed.map((k) => [k, auditedValue(current, k)])),
        after: Object.fromEntries(changed.map((k) => [k, auditedValue(saved, k)])),
      });
      // Also on an unchanged save: a save that failed half-way through moving schedules is completed by saving again.
      if (update.workingHours !== undefined && deps.workingHoursSaved)
        await deps.workingHoursSaved(tenantId, workingHoursOf(saved), {
          actorId: options.actorId ?? current.subject,
          actorType: options.actorType,
          source: options.source ?? 'web',
          correlationId: options.correlationId,
        });
      return saved;
    },

    async setTier(tenantId, tier, actor = {}) {
      let before: Tier | undefined;
      const saved = await repo.update(tenantId, tenantId, (current) => {
        before = current.tier;
        if (current.tier === tier) return undefined;
        return { ...current, tier, updatedAt: deps.clock.now().toISOString() };
      });
      if (before !== tier) {
        await deps.audit().record({
          tenantId,
          actor: { type: actor.actorType ?? 'system', id: actor.actorId ?? 'billing' },
          action: 'tenant.tier.changed',
          target: { type: 'tenant', id: tenantId },
          outcome: 'success',
          source: actor.source ?? 'system',
          correlationId: actor.correlationId,
          summary: `Subscription tier changed from ${before} to ${tier}`,
          before: { tier: before },
          after: { tier },
        });
      }
      return saved;
    },
  };
  return service;
}

/** A profile field as the audit trail records it (working hours stored before they could be set read as the default). */
function auditedValue(profile: TenantProfile, key: keyof ProfileUpdate): unknown {
  return key === 'workingHours' ? workingHoursOf(profile) : profile[key];
}
