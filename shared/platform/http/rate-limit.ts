import type { HttpRequest } from '@azure/functions';
import type { Clock } from '../clock';
import type { BucketSize, RateLimitSizes } from '../config/rate-limits';
import type { Tier } from '../config/tiers';
import { RateLimitedError } from '../errors';

/**
 * The API's rate limits: a token bucket per tenant (sized by the tenant's tier) and one per client address for the
 * routes that need no sign-in. Buckets live in this process's memory, so each instance of the app counts on its own
 * (README, Rate limits); taking a token is synchronous and touches only the caller's bucket, so one caller's burst
 * neither refuses nor delays anyone else's requests.
 */
export interface RateLimiter {
  /** Takes a token from the tenant's bucket: the response headers, or RateLimitedError (429) when it is empty. */
  takeForTenant(tenantId: string): Promise<Record<string, string>>;
  /**
   * The same for a personal access token: each token has its own bucket, sized by the tenant's tier, so a runaway
   * script slows down only itself, never the person's web app or their other tokens.
   */
  takeForToken(tenantId: string, tokenId: string): Promise<Record<string, string>>;
  /** The same for a client address (routes without sign-in). */
  takeForAddress(address: string): Record<string, string>;
}

export interface RateLimiterDeps {
  clock: Clock;
  sizes: RateLimitSizes;
  /** The tenant's tier; remembered for `tierCacheMs`, so a tier change applies within that time. */
  tierOf(tenantId: string): Promise<Tier>;
  tierCacheMs?: number;
  /** Buckets kept at most; full buckets (the same as no bucket) are dropped first. */
  maxBuckets?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Refills `bucket` up to now and takes one token if there is one. */
function take(bucket: Bucket, size: BucketSize, now: number): boolean {
  const perMs = size.perMinute / 60_000;
  bucket.tokens = Math.min(size.burst, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/**
 * `RateLimit-Policy` and `RateLimit` as draft-ietf-httpapi-ratelimit-headers (-09 to -11) writes them: the policy's
 * quota `q` over the window `w` in which an empty bucket refills, the remaining quota `r` and the seconds `t` until
 * the bucket is full again.
 */
function limitHeaders(name: string, size: BucketSize, tokens: number): Record<string, string> {
  const secondsPerToken = 60 / size.perMinute;
  return {
    'RateLimit-Policy': `"${name}";q=${size.burst};w=${Math.ceil(size.burst * secondsPerToken)}`,
    RateLimit: `"${name}";r=${Math.floor(tokens)};t=${Math.ceil((size.burst - tokens) * secondsPerToken)}`,
  };
}

export function createRateLimiter(deps: RateLimiterDeps): RateLimiter {
  const tierCacheMs = deps.tierCacheMs ?? 60_000;
  const maxBuckets = deps.maxBuckets ?? 50_000;
  const buckets = new Map<string, Bucket>();
  const tiers = new Map<string, { tier: Promise<Tier>; until: number }>();

  function prune(now: number): void {
    if (buckets.size <= maxBuckets) return;
    for (const [key, bucket] of buckets) {
      const name = key.slice(0, key.indexOf(':')) as keyof RateLimitSizes;
      const size = deps.sizes[name];
      if (bucket.tokens + (now - bucket.at) * (size.perMinute / 60_000) >= size.burst) buckets.delete(key);
    }
    // Still too many callers mid-burst: forget the oldest (they start again with a full bucket), leaving room so the
    // next new callers do not scan again.
    for (const key of buckets.keys()) {
      if (buckets.size <= maxBuckets * 0.9) break;
      buckets.delete(key);
    }
    for (const [tenantId, cached] of tiers) if (cached.until <= now) tiers.delete(tenantId);
  }

  function takeFrom(name: keyof RateLimitSizes, key: string): Record<string, string> {
    const size = deps.sizes[name];
    const now = deps.clock.now().getTime();
    const id = `${name}:${key}`;
    let bucket = buckets.get(id);
    if (!bucket) {
      bucket = { tokens: size.burst, at: now };
      buckets.set(id, bucket);
      prune(now);
    }
    const allowed = take(bucket, size, now);
    const headers = limitHeaders(name, size, bucket.tokens);
    if (!allowed) throw new RateLimitedError(Math.ceil(((1 - bucket.tokens) * 60) / size.perMinute), headers);
    return headers;
  }

  function tierOf(tenantId: string): Promise<Tier> {
    const now = deps.clock.now().getTime();
    const cached = tiers.get(tenantId);
    if (cached && cached.until > now) return cached.tier;
    const tier = deps.tierOf(tenantId);
    tiers.set(tenantId, { tier, until: now + tierCacheMs });
    tier.catch(() => tiers.delete(tenantId));
    return tier;
  }

  return {
    async takeForTenant(tenantId) {
      return takeFrom(await tierOf(tenantId), tenantId);
    },
    async takeForToken(tenantId, tokenId) {
      return takeFrom(await tierOf(tenantId), `token/${tokenId}`);
    },
    takeForAddress(address) {
      return takeFrom('address', address);
    },
  };
}

/**
 * The client's address: the last `X-Forwarded-For` entry, the one the platform's front end appends (earlier entries
 * are whatever the client sent), without its port. Requests with none (the local runtime) share one bucket.
 */
export function clientAddress(request: HttpRequest): string {
  const forwarded = request.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').pop()?.trim();
  if (!last) return 'unknown';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (bracketed) return bracketed[1]!;
  // One colon: IPv4 with a port. More: a bare IPv6 address.
  return last.split(':').length === 2 ? last.slice(0, last.indexOf(':')) : last;
}
