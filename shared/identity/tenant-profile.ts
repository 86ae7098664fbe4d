import { z } from 'zod';
import { tierSchema, type Tier } from '../platform/config/tiers';
import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { DEFAULT_WORKING_HOURS, workingHoursSchema, type WorkingHours } from './working-hours';

/** True when `zone` is an IANA time zone this runtime knows (e.g. "Europe/Paris", "UTC"). */
function isIanaTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** True when `locale` is a well-formed BCP 47 tag (e.g. "en-GB", "fr"). */
function isLocale(locale: string): boolean {
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}

const timezoneSchema = z.string().refine(isIanaTimeZone, { message: 'must be an IANA time zone, e.g. "Europe/Paris"' });
const localeSchema = z.string().max(35).refine(isLocale, { message: 'must be a BCP 47 language tag, e.g. "en-GB"' });

export const notificationPreferencesSchema = z.object({
  /** immediate: an email per suggestion; digest: one email a day at `digestHour` local time; off: none. */
  mode: z.enum(['immediate', 'digest', 'off']),
  /** Local hour (0-23) of the daily digest. */
  digestHour: z.number().int().min(0).max(23),
  /** Whether emails carry one-click approval links. */
  approvalLinks: z.boolean(),
});
export type NotificationPreferences = z.infer<typeof notificationPreferencesSchema>;

/** Seconds an approved email is held before it is sent, so the person can undo it (mail apps offer 5 to 30). */
export const DEFAULT_UNDO_SEND_SECONDS = 10;
const undoSendSecondsSchema = z.number().int().min(0).max(30);

/** A person's personal tenant: one document in `tenants`, id = tenantId. */
export interface TenantProfile extends TenantDoc {
  issuer: string;
  subject: string;
  email: string;
  displayName: string;
  /** IANA time zone used for schedules, digests and dates shown to the person. */
  timezone: string;
  locale: string;
  tier: Tier;
  notifications: NotificationPreferences;
  /** Days the audit trail is kept (0 = forever). */
  auditRetentionDays: number;
  /** Undo-send window in seconds (0: approved emails go out at once); DEFAULT_UNDO_SEND_SECONDS when unset. */
  undoSendSeconds?: number;
  /** When the person works; DEFAULT_WORKING_HOURS (08:00–18:00, Monday to Friday) when unset. */
  workingHours?: WorkingHours;
  /**
   * Generation of the emailed approval links: every link carries the epoch it was signed in, and only links of the
   * current epoch work. Turning approval links off or unsubscribing moves it on, revoking every link already sent.
   */
  linkEpoch?: number;
  createdAt: string;
  updatedAt: string;
}

/** What a person may change about their profile (`PATCH /api/me`). */
export const profileUpdateSchema = z
  .object({
    displayName: z.string().trim().min(1).max(100),
    timezone: timezoneSchema,
    locale: localeSchema,
    notifications: notificationPreferencesSchema.partial().strict(),
    auditRetentionDays: z.number().int().min(0).max(3650),
    undoSendSeconds: undoSendSecondsSchema,
    workingHours: workingHoursSchema,
  })
  .partial()
  .strict();
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

/** The profile as the API shows it. */
export const profileSchema = z.object({
  tenantId: z.string(),
  email: z.string(),
  displayName: z.string(),
  timezone: z.string(),
  locale: z.string(),
  tier: tierSchema,
  notifications: notificationPreferencesSchema,
  auditRetentionDays: z.number().int(),
  undoSendSeconds: z.number().int(),
  /** When the person works: schedules "during working hours" run every hour from `from` through `until` on `days`. */
  workingHours: z.object({ from: z.number().int(), until: z.number().int(), days: z.array(z.number().int()) }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProfileView = z.infer<typeof profileSchema>;

export function toProfileView(p: TenantProfile): ProfileView {
  return {
    tenantId: p.tenantId,
    email: p.email,
    displayName: p.displayName,
    timezone: p.timezone,
    locale: p.locale,
    tier: p.tier,
    notifications: p.notifications,
    auditRetentionDays: p.auditRetentionDays,
    undoSendSeconds: p.undoSendSeconds ?? DEFAULT_UNDO_SEND_SECONDS,
    workingHours: workingHoursOf(p),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** The person's working hours (the default for profiles stored before they could be set). */
export function workingHoursOf(p: Pick<TenantProfile, 'workingHours'>): WorkingHours {
  const hours = p.workingHours ?? DEFAULT_WORKING_HOURS;
  return { from: hours.from, until: hours.until, days: [...hours.days] };
}
