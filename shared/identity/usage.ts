import type { PatchOperation } from '@azure/cosmos';
import type { Clock } from '../platform/clock';
import { LIMIT_NAMES, type LimitName, type Tier, type TierLimits } from '../platform/config/tiers';
import type { ContainerName } from '../platform/cosmos/containers';
import type { CosmosStore } from '../platform/cosmos/store';
import { TenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { LimitExceededError } from '../platform/errors';

export type { LimitName, TierLimits } from '../platform/config/tiers';

/** Counters kept per tenant and period (UTC day and UTC month). */
export interface UsageCounters {
  runs: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  costUsd: number;
  approvalLinks: number;
}

export type UsageDeltas = Partial<UsageCounters>;

interface MeterDoc extends TenantDoc, UsageCounters {
  period: 'day' | 'month';
  /** Start of the period (ISO). */
  start: string;
}

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

export interface UsageService {
  /** Throws LimitExceededError (429, limit-exceeded) when doing `amount` more would pass the tenant's tier limit. */
  checkLimit(tenantId: string, limit: LimitName, opts?: { amount?: number; current?: number }): Promise<void>;
  /** Adds to the tenant's counters for today and this month, atomically (Cosmos patch increments). */
  record(tenantId: string, deltas: UsageDeltas): Promise<void>;
  report(tenantId: string): Promise<UsageReport>;
  tierLimits(tier: Tier): TierLimits;
}

const COUNTERS: (keyof UsageCounters)[] = [
  'runs',
  'promptTokens',
  'cachedPromptTokens',
  'completionTokens',
  'costUsd',
  'approvalLinks',
];
const ZERO: UsageCounters = {
  runs: 0,
  promptTokens: 0,
  cachedPromptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  approvalLinks: 0,
};

/** Containers whose document count is the standing count of a limit. */
const COUNTED: Partial<Record<LimitName, ContainerName>> = {
  agents: 'agents',
  workflows: 'workflows',
  connectors: 'connectors',
};

const DAY_TTL = 100 * 86_400;
const MONTH_TTL = 800 * 86_400;

function periods(now: Date) {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const dayEnd = new Date(dayStart.getTime() + 86_400_000);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return {
    day: {
      id: `day:${dayStart.toISOString().slice(0, 10)}`,
      start: dayStart.toISOString(),
      resetsAt: dayEnd.toISOString(),
      ttl: DAY_TTL,
    },
    month: {
      id: `month:${monthStart.toISOString().slice(0, 7)}`,
      start: monthStart.toISOString(),
      resetsAt: monthEnd.toISOString(),
      ttl: MONTH_TTL,
    },
  };
}

const LIMIT_LABELS: Record<LimitName, string> = {
  agents: 'agents',
  workflows: 'workflows',
  connectors: 'connected accounts',
  runsPerDay: 'runs today',
  tokensPerMonth: 'model tokens this month',
  approvalLinksPerDay: 'approval links today',
  scheduleMinIntervalMinutes: 'minutes between scheduled runs',
};

export function createUsageService(deps: {
  store: CosmosStore;
  clock: Clock;
  limits: Record<Tier, TierLimits>;
  /** The tenant's tier (the tenant service's profile). */
  tierOf(tenantId: string): Promise<Tier>;
}): UsageService {
  const meters = new TenantRepository<MeterDoc>(deps.store, 'usage', 'usage meter');
  const counted = (name: ContainerName) => new TenantRepository<TenantDoc>(deps.store, name, name);

  async function meter(tenantId: string, p: { id: string; start: string; resetsAt: string }): Promise<PeriodUsage> {
    const doc = await meters.get(tenantId, p.id);
    const counters = { ...ZERO };
    for (const key of COUNTERS) counters[key] = typeof doc?.[key] === 'number' ? doc[key] : 0;
    return { ...counters, start: p.start, resetsAt: p.resetsAt };
  }

  async function increment(
    tenantId: string,
    p: { id: string; start: string; ttl: number },
    period: 'day' | 'month',
    ops: PatchOperation[],
  ) {
    try {
      await meters.patch(tenantId, p.id, ops);
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      // First use in this period: create the meter at zero (a concurrent creator may win; both then increment).
      await meters.createIfAbsent({ id: p.id, tenantId, period, start: p.start, ttl: p.ttl, ...ZERO });
      await meters.patch(tenantId, p.id, ops);
    }
  }

  const service: UsageService = {
    tierLimits(tier) {
      return deps.limits[tier];
    },

    async record(tenantId, deltas) {
      const ops: PatchOperation[] = [];
      for (const key of COUNTERS) {
        const value = deltas[key];
        if (value === undefined || value === 0) continue;
        if (!Number.isFinite(value) || value < 0) throw new Error(`usage delta ${key} must be a non-negative number`);
        ops.push({ op: 'incr', path: `/${key}`, value });
      }
      if (ops.length === 0) return;
      const p = periods(deps.clock.now());
      await increment(tenantId, p.day, 'day', ops);
      await increment(tenantId, p.month, 'month', ops);
    },

    async checkLimit(tenantId, limit, opts = {}) {
      const tier = await deps.tierOf(tenantId);
      const max = deps.limits[tier][limit];
      const label = LIMIT_LABELS[limit];
      if (limit === 'scheduleMinIntervalMinutes') {
        const requested = opts.amount ?? max;
        if (requested < max) {
          throw new LimitExceededError(
            limit,
            `Your ${tier} plan runs schedules at most every ${max} minutes; this one asks for every ${requested}.`,
            {
              used: requested,
              max,
            },
          );
        }
        return;
      }
      const amount = opts.amount ?? 1;
      const p = periods(deps.clock.now());
      let used: number;
      let resetsAt: string | undefined;
      const container = COUNTED[limit];
      if (container) {
        used = opts.current ?? (await counted(container).count(tenantId));
      } else if (limit === 'runsPerDay') {
        used = opts.current ?? (await meter(tenantId, p.day)).runs;
        resetsAt = p.day.resetsAt;
      } else if (limit === 'approvalLinksPerDay') {
        used = opts.current ?? (await meter(tenantId, p.day)).approvalLinks;
        resetsAt = p.day.resetsAt;
      } else {
        const month = await meter(tenantId, p.month);
        used = opts.current ?? month.promptTokens + month.completionTokens;
        resetsAt = p.month.resetsAt;
      }
      if (used + amount > max) {
        const when = resetsAt ? ` It resets at ${resetsAt}.` : ' Remove one or upgrade your plan to add more.';
        throw new LimitExceededError(limit, `You have used ${used} of ${max} ${label} on the ${tier} plan.${when}`, {
          used,
          max,
          ...(resetsAt ? { resetsAt } : {}),
        });
      }
    },

    async report(tenantId) {
      const tier = await deps.tierOf(tenantId);
      const limits = deps.limits[tier];
      const p = periods(deps.clock.now());
      const [today, month, agents, workflows, connectors] = await Promise.all([
        meter(tenantId, p.day),
        meter(tenantId, p.month),
        counted('agents').count(tenantId),
        counted('workflows').count(tenantId),
        counted('connectors').count(tenantId),
      ]);
      const standing = (used: number, max: number): LimitUsage => ({ used, max, resetsAt: null });
      const report = {} as Record<LimitName, LimitUsage>;
      for (const name of LIMIT_NAMES) {
        if (name === 'agents') report[name] = standing(agents, limits.agents);
        else if (name === 'workflows') report[name] = standing(workflows, limits.workflows);
        else if (name === 'connectors') report[name] = standing(connectors, limits.connectors);
        else if (name === 'runsPerDay')
          report[name] = { used: today.runs, max: limits.runsPerDay, resetsAt: today.resetsAt };
        else if (name === 'approvalLinksPerDay')
          report[name] = { used: today.approvalLinks, max: limits.approvalLinksPerDay, resetsAt: today.resetsAt };
        else if (name === 'tokensPerMonth')
          report[name] = {
            used: month.promptTokens + month.completionTokens,
            max: limits.tokensPerMonth,
            resetsAt: month.resetsAt,
          };
        else report[name] = { used: null, max: limits.scheduleMinIntervalMinutes, resetsAt: null };
      }
      return { tenantId, tier, limits: report, today, month };
    },
  };
  return service;
}
