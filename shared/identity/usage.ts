import { randomUUID } from 'node:crypto';
import type { PatchOperation } from '@azure/cosmos';
import type { Clock } from '../platform/clock';
import { LIMIT_NAMES, type LimitName, type Tier, type TierLimits } from '../platform/config/tiers';
import type { ContainerName } from '../platform/cosmos/containers';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { LimitExceededError } from '../platform/errors';
import { intervalWords } from '../platform/words';
import { createMeters, MeterFullError } from './meters';
import { createReservations, type Reservation } from './reservations';
import type {
  LimitUsage,
  PeriodUsage,
  StandingLimit,
  UsageCounters,
  UsageDeltas,
  UsageService,
} from './usage-contract';
import {
  checkEventTriggers,
  countedMeter,
  limitError,
  periods,
  tenantMonthMeter,
  tokenMeter,
  type CountedLimit,
  type NamedMeter,
  type TokenMeter,
} from './limit-meters';

export type { TierLimits } from '../platform/config/tiers';
export type { TokenMeter } from './limit-meters';
export type { UsageService } from './usage-contract';

/** How long creating one counted item may take; after that the sweep settles or releases its slot. */
const ITEM_HOLD_MS = 5 * 60_000;

interface SpendDoc extends TenantDoc, UsageCounters {
  period: 'day' | 'month';
  /** Start of the period (ISO). */
  start: string;
}

const COUNTERS: (keyof UsageCounters)[] = [
  'runs',
  'promptTokens',
  'cachedPromptTokens',
  'completionTokens',
  'costUsd',
  'approvalEmails',
];
const ZERO: UsageCounters = {
  runs: 0,
  promptTokens: 0,
  cachedPromptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  approvalEmails: 0,
};

/** Containers whose document count is the standing count of a limit. */
const COUNTED: Partial<Record<LimitName, ContainerName>> & Record<StandingLimit, ContainerName> = {
  agents: 'agents',
  workflows: 'workflows',
  connectors: 'connectors',
  apiTokens: 'apiTokens',
  webhooks: 'webhooks',
};

/** Spend counters that move with a counted limit (the daily report shows them too). */
const SPEND_OF: Partial<Record<CountedLimit, 'runs' | 'approvalEmails'>> = {
  runsPerDay: 'runs',
  approvalEmailsPerDay: 'approvalEmails',
};

export function createUsageService(deps: {
  store: CosmosStore;
  clock: Clock;
  limits: Record<Tier, TierLimits>;
  /** The tenant's tier (the tenant service's profile). */
  tierOf(tenantId: string): Promise<Tier>;
  /** Event triggers on the tenant's enabled agents and workflows (the trigger index). */
  countEventTriggers?(tenantId: string): Promise<number>;
}): UsageService {
  const spend = createTenantRepository<SpendDoc>(deps.store, 'usage', 'usage meter');
  const counted = (name: ContainerName) => createTenantRepository<TenantDoc>(deps.store, name, name);
  const meters = createMeters(deps.store);
  const reservations = createReservations({ store: deps.store, meters });
  // Agent monthly tokens were kept in the runs container before the meters; a new month's meter starts from them.
  const legacyAgentMonth = createTenantRepository<TenantDoc & { tokens?: number }>(deps.store, 'runs', 'agent usage');

  async function period(tenantId: string, p: { id: string; start: string; resetsAt: string }): Promise<PeriodUsage> {
    const doc = await spend.get(tenantId, p.id);
    const counters = { ...ZERO };
    for (const key of COUNTERS) counters[key] = typeof doc?.[key] === 'number' ? doc[key] : 0;
    return { ...counters, start: p.start, resetsAt: p.resetsAt };
  }

  async function increment(tenantId: string, p: { id: string; start: string; ttl: number }, ops: PatchOperation[]) {
    const kind = p.id.startsWith('day:') ? 'day' : 'month';
    try {
      await spend.patch(tenantId, p.id, ops);
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err;
      // First use in this period: create the counters at zero (a concurrent creator may win; both then increment).
      await spend.createIfAbsent({ id: p.id, tenantId, period: kind, start: p.start, ttl: p.ttl, ...ZERO });
      await spend.patch(tenantId, p.id, ops);
    }
  }

  async function addSpend(tenantId: string, deltas: UsageDeltas, allowNegative = false) {
    const ops: PatchOperation[] = [];
    for (const key of COUNTERS) {
      const value = deltas[key];
      if (value === undefined || value === 0) continue;
      if (!Number.isFinite(value) || (value < 0 && !allowNegative))
        throw new Error(`usage delta ${key} must be a non-negative number`);
      ops.push({ op: 'incr', path: `/${key}`, value });
    }
    if (ops.length === 0) return;
    const p = periods(deps.clock.now());
    await increment(tenantId, p.day, ops);
    await increment(tenantId, p.month, ops);
  }

  async function counterMeter(tenantId: string, limit: CountedLimit): Promise<NamedMeter> {
    const tier = await deps.tierOf(tenantId);
    const now = deps.clock.now();
    const container = COUNTED[limit];
    const initial = async () => {
      if (container) return counted(container).count(tenantId);
      return (await period(tenantId, periods(now).day))[SPEND_OF[limit]!];
    };
    return countedMeter(limit, deps.limits[tier][limit], tier, now, initial);
  }

  async function monthMeter(tenantId: string): Promise<NamedMeter> {
    const tier = await deps.tierOf(tenantId);
    const now = deps.clock.now();
    const initial = async () => {
      const month = await period(tenantId, periods(now).month);
      return month.promptTokens + month.completionTokens;
    };
    return tenantMonthMeter(deps.limits[tier].tokensPerMonth, tier, now, initial);
  }

  function runMeter(tenantId: string, meter: TokenMeter): NamedMeter {
    const now = deps.clock.now();
    if (meter.kind !== 'agentMonth') return tokenMeter(meter, now);
    const legacyId = `agent-usage:${meter.agentId}:${now.toISOString().slice(0, 7)}`;
    return tokenMeter(meter, now, async () => (await legacyAgentMonth.get(tenantId, legacyId))?.tokens ?? 0);
  }

  const service: UsageService = {
    tierLimits(tier) {
      return deps.limits[tier];
    },

    record: (tenantId, deltas) => addSpend(tenantId, deltas),

    async take(tenantId, limit, amount = 1) {
      const meter = await counterMeter(tenantId, limit);
      try {
        await meters.take(tenantId, meter, amount);
      } catch (err) {
        if (err instanceof MeterFullError) throw limitError(meter, err, amount);
        throw err;
      }
      const counter = SPEND_OF[limit];
      if (counter) await addSpend(tenantId, { [counter]: amount });
    },

    async giveBack(tenantId, limit, amount = 1) {
      await meters.giveBack(tenantId, await counterMeter(tenantId, limit), amount);
      const counter = SPEND_OF[limit];
      if (counter) await addSpend(tenantId, { [counter]: -amount }, true);
    },

    async createCounted<R extends { created: boolean }>(
      tenantId: string,
      limit: StandingLimit,
      itemId: string,
      create: () => Promise<R>,
    ): Promise<R> {
      const meter = await counterMeter(tenantId, limit);
      const expiresAt = new Date(deps.clock.now().getTime() + ITEM_HOLD_MS);
      // One reservation per attempt: two attempts at the same id (a repeated pack install) each hold their own slot,
      // and only the one that wrote the document keeps it.
      let reservation: Reservation;
      try {
        reservation = await reservations.reserve(
          tenantId,
          `${limit}:${itemId}:${randomUUID()}`,
          1,
          [meter],
          expiresAt,
          {
            container: COUNTED[limit],
            id: itemId,
          },
        );
      } catch (err) {
        if (err instanceof MeterFullError) throw limitError(meter, err, 1);
        throw err;
      }
      let result: R;
      try {
        result = await create();
      } catch (err) {
        await reservations.release(reservation);
        throw err;
      }
      await reservations.settle(reservation, result.created ? 1 : 0);
      return result;
    },

    async reserveTokens(tenantId, request) {
      const all = [await monthMeter(tenantId), ...request.meters.map((m) => runMeter(tenantId, m))];
      const expiresAt = new Date(deps.clock.now().getTime() + request.holdForMs);
      try {
        return await reservations.reserve(tenantId, request.id, request.tokens, all, expiresAt);
      } catch (err) {
        const full = err instanceof MeterFullError ? all.find((m) => m.id === err.meter.id) : undefined;
        if (full && err instanceof MeterFullError) throw limitError(full, err, request.tokens);
        throw err;
      }
    },

    async settleTokens(reservation, spent) {
      await reservations.settle(reservation, spent.promptTokens + spent.completionTokens);
      await addSpend(reservation.tenantId, spent);
    },

    releaseTokens: (reservation) => reservations.release(reservation),

    sweepReservations: () => reservations.sweep(deps.clock.now()),

    async tokenMeter(tenantId, meter) {
      const spec = meter === 'tenantMonth' ? await monthMeter(tenantId) : runMeter(tenantId, meter);
      const doc = await meters.read(tenantId, spec.id);
      return { used: doc?.used ?? (spec.initial ? await spec.initial() : 0), reserved: doc?.reserved ?? 0 };
    },

    async checkLimit(tenantId, limit, opts = {}) {
      const tier = await deps.tierOf(tenantId);
      const max = deps.limits[tier][limit];
      if (limit === 'scheduleMinIntervalMinutes') {
        const requested = opts.amount ?? max;
        if (requested < max) {
          throw new LimitExceededError(
            limit,
            `Your ${tier} plan runs a schedule at most ${intervalWords(max)}; this one runs ${intervalWords(requested)}.`,
            { used: requested, max },
          );
        }
        return;
      }
      const amount = opts.amount ?? 1;
      const triggers = async () => opts.current ?? (await deps.countEventTriggers?.(tenantId)) ?? 0;
      if (limit === 'eventTriggers') return checkEventTriggers(tier, max, await triggers(), amount);
      const meter = limit === 'tokensPerMonth' ? await monthMeter(tenantId) : await counterMeter(tenantId, limit);
      const container = COUNTED[limit];
      const doc = container ? undefined : await meters.read(tenantId, meter.id);
      const used = opts.current ?? doc?.used ?? (meter.initial ? await meter.initial() : 0);
      const reserved = doc?.reserved ?? 0;
      if (used + reserved + amount > max) {
        throw limitError(meter, new MeterFullError(meter, used, reserved), amount);
      }
    },

    async report(tenantId) {
      const tier = await deps.tierOf(tenantId);
      const limits = deps.limits[tier];
      const p = periods(deps.clock.now());
      // Standing counts are the documents themselves; daily counts and tokens are what the meters charged.
      const used = async (meter: NamedMeter) =>
        (COUNTED[meter.name as LimitName] ? undefined : (await meters.read(tenantId, meter.id))?.used) ??
        (meter.initial ? await meter.initial() : 0);
      const counts = {} as Record<CountedLimit, number>;
      const countedNames: CountedLimit[] = [
        'agents',
        'workflows',
        'connectors',
        'runsPerDay',
        'approvalEmailsPerDay',
        'apiTokens',
        'webhooks',
      ];
      const [today, month, tokens] = await Promise.all([
        period(tenantId, p.day),
        period(tenantId, p.month),
        monthMeter(tenantId).then(used),
        ...countedNames.map(async (name) => (counts[name] = await used(await counterMeter(tenantId, name)))),
      ]);
      const report = {} as Record<LimitName, LimitUsage>;
      for (const name of LIMIT_NAMES) {
        if (name === 'scheduleMinIntervalMinutes') report[name] = { used: null, max: limits[name], resetsAt: null };
        else if (name === 'eventTriggers')
          report[name] = { used: (await deps.countEventTriggers?.(tenantId)) ?? 0, max: limits[name], resetsAt: null };
        else if (name === 'tokensPerMonth')
          report[name] = { used: tokens, max: limits[name], resetsAt: month.resetsAt };
        else
          report[name] = {
            used: counts[name],
            max: limits[name],
            resetsAt: name === 'runsPerDay' || name === 'approvalEmailsPerDay' ? today.resetsAt : null,
          };
      }
      return { tenantId, tier, limits: report, today, month };
    },
  };
  return service;
}
