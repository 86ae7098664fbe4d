import { z } from 'zod';
import { boolSetting, jsonSetting } from './env';
import { TIER_NAMES, type Tier } from './tiers';

/** A token bucket: `burst` requests at once, refilled at `perMinute` requests a minute. */
export interface BucketSize {
  burst: number;
  perMinute: number;
}

/** Bucket sizes of the API's rate limits: one per tier (per tenant) and one for the routes that need no sign-in. */
export type RateLimitSizes = Record<Tier | 'address', BucketSize>;

const bucketSizeSchema = z.object({
  burst: z.number().int().min(1),
  perMinute: z.number().int().min(1),
});

/** The built-in sizes. `API_RATE_LIMITS` (JSON, partial per bucket) overrides them per deployment. */
export const DEFAULT_RATE_LIMITS: RateLimitSizes = {
  free: { burst: 100, perMinute: 300 },
  pro: { burst: 300, perMinute: 900 },
  team: { burst: 600, perMinute: 1_800 },
  address: { burst: 60, perMinute: 120 },
};

const overridesSchema = z.partialRecord(z.enum([...TIER_NAMES, 'address']), bucketSizeSchema.partial()).optional();

/** Settings of the API's rate limits (shared/platform/http/rate-limit.ts). */
export const rateLimitSettings = z.object({
  /** Turns the API's per-tenant and per-address rate limits on (default) or off. */
  API_RATE_LIMIT_ENABLED: boolSetting(true),
  /** e.g. {"free":{"burst":50,"perMinute":120},"address":{"perMinute":60}} */
  API_RATE_LIMITS: jsonSetting(overridesSchema),
});

/** The bucket sizes with the deployment's overrides applied. */
export function resolveRateLimits(
  overrides?: Partial<Record<keyof RateLimitSizes, Partial<BucketSize>>>,
): RateLimitSizes {
  const out = {} as RateLimitSizes;
  for (const key of Object.keys(DEFAULT_RATE_LIMITS) as (keyof RateLimitSizes)[])
    out[key] = { ...DEFAULT_RATE_LIMITS[key], ...(overrides?.[key] ?? {}) };
  return out;
}
