import { z } from 'zod';
import { jsonSetting } from './env';

/** Subscription tiers. Every tenant has one; `free` until changed. */
export const TIER_NAMES = ['free', 'pro', 'team'] as const;
export type Tier = (typeof TIER_NAMES)[number];
export const tierSchema = z.enum(TIER_NAMES);

/** What a tier allows. Counts are maximums; `scheduleMinIntervalMinutes` is the shortest schedule allowed. */
export interface TierLimits {
  agents: number;
  workflows: number;
  connectors: number;
  runsPerDay: number;
  tokensPerMonth: number;
  /** Notification emails carrying approve/reject links, counted per email (however many links it holds). */
  approvalEmailsPerDay: number;
  scheduleMinIntervalMinutes: number;
  /** Personal access tokens a person may hold at once. */
  apiTokens: number;
  webhooks: number;
  /** Event triggers ("when new mail arrives", …) on the enabled agents and workflows together. */
  eventTriggers: number;
}

export type LimitName = keyof TierLimits;
export const LIMIT_NAMES: readonly LimitName[] = [
  'agents',
  'workflows',
  'connectors',
  'runsPerDay',
  'tokensPerMonth',
  'approvalEmailsPerDay',
  'scheduleMinIntervalMinutes',
  'apiTokens',
  'webhooks',
  'eventTriggers',
];

const tierLimitsSchema = z.object({
  agents: z.number().int().min(0),
  workflows: z.number().int().min(0),
  connectors: z.number().int().min(0),
  runsPerDay: z.number().int().min(0),
  tokensPerMonth: z.number().int().min(0),
  approvalEmailsPerDay: z.number().int().min(0),
  scheduleMinIntervalMinutes: z.number().int().min(1),
  apiTokens: z.number().int().min(0),
  webhooks: z.number().int().min(0),
  eventTriggers: z.number().int().min(0),
});

/** The built-in tier table. `TIER_LIMITS` (JSON, partial per tier) overrides it per deployment. */
const DEFAULT_TIER_LIMITS: Record<Tier, TierLimits> = {
  free: {
    agents: 5,
    workflows: 2,
    connectors: 2,
    runsPerDay: 50,
    tokensPerMonth: 500_000,
    approvalEmailsPerDay: 50,
    scheduleMinIntervalMinutes: 60,
    apiTokens: 5,
    webhooks: 2,
    eventTriggers: 3,
  },
  pro: {
    agents: 50,
    workflows: 20,
    connectors: 10,
    runsPerDay: 1_000,
    tokensPerMonth: 10_000_000,
    approvalEmailsPerDay: 500,
    scheduleMinIntervalMinutes: 15,
    apiTokens: 25,
    webhooks: 10,
    eventTriggers: 25,
  },
  team: {
    agents: 200,
    workflows: 100,
    connectors: 50,
    runsPerDay: 10_000,
    tokensPerMonth: 100_000_000,
    approvalEmailsPerDay: 5_000,
    scheduleMinIntervalMinutes: 5,
    apiTokens: 100,
    webhooks: 50,
    eventTriggers: 100,
  },
};

/** The limit's name before it counted emails; deployments that still set it keep their value. */
const tierOverrideSchema = z.preprocess((value) => {
  if (!value || typeof value !== 'object' || !('approvalLinksPerDay' in value)) return value;
  const { approvalLinksPerDay, ...rest } = value as Record<string, unknown>;
  return { approvalEmailsPerDay: approvalLinksPerDay, ...rest };
}, tierLimitsSchema.partial());

const overridesSchema = z.partialRecord(tierSchema, tierOverrideSchema).optional();

/** Tier settings: the default tier of new tenants and optional per-deployment overrides of the limits. */
export const tierSettings = z.object({
  DEFAULT_TIER: tierSchema.default('free'),
  /** e.g. {"free":{"runsPerDay":20}} */
  TIER_LIMITS: jsonSetting(overridesSchema),
  /** Days audit records are kept unless the tenant chose otherwise (0 = forever). */
  AUDIT_RETENTION_DAYS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? 365 : Number(v)))
    .pipe(z.number().int().min(0)),
});

/** The limits of every tier, with the deployment's overrides applied. */
export function resolveTierLimits(overrides?: Partial<Record<Tier, Partial<TierLimits>>>): Record<Tier, TierLimits> {
  const out = {} as Record<Tier, TierLimits>;
  for (const tier of TIER_NAMES) out[tier] = { ...DEFAULT_TIER_LIMITS[tier], ...(overrides?.[tier] ?? {}) };
  return out;
}
