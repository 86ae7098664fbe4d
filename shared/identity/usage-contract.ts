import type { LimitName, Tier, TierLimits } from '../platform/config/tiers';
import type { Reservation } from './reservations';
import type { CountedLimit, TokenMeter } from './limit-meters';

/** Limits on how many of a thing a tenant has at once (their documents are what is counted). */
export type StandingLimit = 'agents' | 'workflows' | 'connectors' | 'apiTokens' | 'webhooks';

/** Counters kept per tenant and period (UTC day and UTC month). */
export interface UsageCounters {
  runs: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  costUsd: number;
  approvalEmails: number;
}

export type UsageDeltas = Partial<UsageCounters>;

export interface LimitUsage {
  /** What is used now; null when the limit is a setting, not a counter (schedule interval). */
  used: number | null;
  max: number;
  /** When the counter starts over; null for standing counts (agents, connectors, workflows). */
  resetsAt: string | null;
}

export interface PeriodUsage extends UsageCounters {
  start: string;
  resetsAt: string;
}

export interface UsageReport {
  tenantId: string;
  tier: Tier;
  limits: Record<LimitName, LimitUsage>;
  today: PeriodUsage;
  month: PeriodUsage;
}

export interface TokenReservationRequest {
  /** Deterministic per model call (run, step, batch, attempt): a retried activity finds its own reservation. */
  id: string;
  /** The call's worst case: prompt tokens counted plus the maximum output tokens the request allows. */
  tokens: number;
  meters: TokenMeter[];
  /** How long the call may take at most; after that the sweep releases the reservation. */
  holdForMs: number;
}

/** What a model call used, as the provider reported it. */
export interface SpentTokens {
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface UsageService {
  /**
   * Throws LimitExceededError (429, limit-exceeded) when doing `amount` more would pass the tenant's tier limit. A
   * read, for early refusals and the schedule interval; what enforces a limit is `take` or `reserveTokens`.
   */
  checkLimit(tenantId: string, limit: LimitName, opts?: { amount?: number; current?: number }): Promise<void>;
  /** Adds to the tenant's spend counters for today and this month (Cosmos patch increments); no limit. */
  record(tenantId: string, deltas: UsageDeltas): Promise<void>;
  /** Counts `amount` more in one atomic step, or throws LimitExceededError and counts nothing. */
  take(tenantId: string, limit: CountedLimit, amount?: number): Promise<void>;
  /** Uncounts what `take` or `createCounted` counted (a start that did not happen, a deleted item). */
  giveBack(tenantId: string, limit: CountedLimit, amount?: number): Promise<void>;
  /**
   * Creates one item of a standing limit under reserve-then-settle: a slot is held on the tenant's count (or
   * LimitExceededError is thrown and `create` never runs), `create` writes the item, and the slot is charged when it
   * reports `created` and released otherwise (an item that already existed, an error). Deleting the item gives the
   * slot back (`giveBack`). `itemId` is the new document's id in the limit's container, for the sweep.
   */
  createCounted<R extends { created: boolean }>(
    tenantId: string,
    limit: StandingLimit,
    itemId: string,
    create: () => Promise<R>,
  ): Promise<R>;
  /**
   * Reserves a model call's worst case on the tenant's month and on every given meter, all or nothing. Throws
   * LimitExceededError naming the full meter (`limit`: a TokenLimitName).
   */
  reserveTokens(tenantId: string, request: TokenReservationRequest): Promise<Reservation>;
  /** Charges what the call used (never more than reserved), returns the rest, and records the spend. Once per id. */
  settleTokens(reservation: Reservation, spent: SpentTokens): Promise<void>;
  /** Returns a failed or timed-out call's reservation whole. */
  releaseTokens(reservation: Reservation): Promise<void>;
  /** Releases reservations whose call never finished (expired). Returns how many. */
  sweepReservations(): Promise<number>;
  /** A token meter as it is now (used and reserved), for reports and checks. */
  tokenMeter(tenantId: string, meter: TokenMeter | 'tenantMonth'): Promise<{ used: number; reserved: number }>;
  report(tenantId: string): Promise<UsageReport>;
  tierLimits(tier: Tier): TierLimits;
}
