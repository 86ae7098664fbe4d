import { LimitExceededError } from '../platform/errors';
import type { MeterFullError, MeterLimit } from './meters';

/** Limits counted as the things they limit are created: the count is the charge, nothing is reserved. */
export type CountedLimit =
  'runsPerDay' | 'approvalEmailsPerDay' | 'agents' | 'workflows' | 'connectors' | 'apiTokens' | 'webhooks';

/** Token meters a model call is reserved against, besides the tenant's month (`tokensPerMonth`). */
export type TokenMeter =
  /** The agent's own monthly budget (`null`: no budget, still counted). */
  | { kind: 'agentMonth'; agentId: string; agentName: string; limit: number | null }
  /** The agent's budget for one run. */
  | { kind: 'agentRun'; agentId: string; agentName: string; runId: string; limit: number | null }
  /** The run's own cap (`RUN_MAX_TOKENS`), shared by all its steps, parallel ones included. */
  | { kind: 'run'; runId: string; limit: number };

/** Names of the limits a model call can hit (the tier's monthly tokens, or one of the token meters). */
export type TokenLimitName = 'tokensPerMonth' | 'agentTokensPerMonth' | 'agentTokensPerRun' | 'runMaxTokens';

/** UTC day and month of `now`: meter id suffixes, starts and resets. */
export function periods(now: Date) {
  const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return {
    day: {
      id: `day:${dayStart.toISOString().slice(0, 10)}`,
      start: dayStart.toISOString(),
      resetsAt: new Date(dayStart.getTime() + 86_400_000).toISOString(),
      ttl: 100 * 86_400,
    },
    month: {
      id: `month:${monthStart.toISOString().slice(0, 7)}`,
      start: monthStart.toISOString(),
      resetsAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
      ttl: 800 * 86_400,
    },
  };
}

const RUN_METER_TTL = 30 * 86_400;

/** A limit meter with what is needed to explain it when it is full. */
export interface NamedMeter extends MeterLimit {
  name: CountedLimit | TokenLimitName;
  resetsAt: string | null;
  /** "You have used 40 of 50 runs today on the free plan." and the like, from what the meter holds. */
  explain(used: number, reserved: number, wanted: number): string;
}

const DAILY: Partial<Record<CountedLimit, string>> = { runsPerDay: 'runs', approvalEmailsPerDay: 'approval emails' };
const STANDING: Partial<Record<CountedLimit, string>> = {
  agents: 'agents',
  workflows: 'workflows',
  connectors: 'connected accounts',
  apiTokens: 'access tokens',
  webhooks: 'webhooks',
};

/** The meter of a counted limit (runs and approval emails a day; standing counts of agents, workflows, connectors). */
export function countedMeter(
  limit: CountedLimit,
  max: number,
  tier: string,
  now: Date,
  initial: () => Promise<number>,
): NamedMeter {
  const daily = DAILY[limit];
  if (daily) {
    const day = periods(now).day;
    return {
      id: `limit:${limit}:${day.id}`,
      name: limit,
      limit: max,
      ttl: day.ttl,
      initial,
      resetsAt: day.resetsAt,
      explain: (used) =>
        `You have used ${used} of ${max} ${daily} today on the ${tier} plan. It resets at ${day.resetsAt}.`,
    };
  }
  return {
    id: `limit:${limit}`,
    name: limit,
    limit: max,
    initial,
    resetsAt: null,
    explain: (used) =>
      `You have ${used} of ${max} ${STANDING[limit]} on the ${tier} plan. Remove one or upgrade your plan to add more.`,
  };
}

/** The tenant's monthly token meter (`tokensPerMonth`). */
export function tenantMonthMeter(max: number, tier: string, now: Date, initial: () => Promise<number>): NamedMeter {
  const month = periods(now).month;
  return {
    id: `limit:tokensPerMonth:${month.id}`,
    name: 'tokensPerMonth',
    limit: max,
    ttl: month.ttl,
    initial,
    resetsAt: month.resetsAt,
    explain: (used, reserved, wanted) =>
      `You have used ${used} of ${max} model tokens this month on the ${tier} plan` +
      `${reserved ? ` (${reserved} more are held by calls in progress)` : ''}; the next request needs up to ${wanted}. It resets at ${month.resetsAt}.`,
  };
}

/** A run-level token meter: an agent's month, an agent's budget in one run, or the run's cap. */
export function tokenMeter(meter: TokenMeter, now: Date, initial?: () => Promise<number>): NamedMeter {
  if (meter.kind === 'agentMonth') {
    const month = periods(now).month;
    return {
      id: `limit:agent:${meter.agentId}:${month.id}`,
      name: 'agentTokensPerMonth',
      limit: meter.limit,
      ttl: month.ttl,
      initial,
      resetsAt: month.resetsAt,
      explain: (used, reserved, wanted) =>
        `"${meter.agentName}" would pass its monthly budget of ${meter.limit} tokens (used ${used}` +
        `${reserved ? `, ${reserved} held by calls in progress` : ''}; next request up to ${wanted}). It resets at ${month.resetsAt}.`,
    };
  }
  if (meter.kind === 'agentRun') {
    return {
      id: `limit:agent:${meter.agentId}:run:${meter.runId}`,
      name: 'agentTokensPerRun',
      limit: meter.limit,
      ttl: RUN_METER_TTL,
      resetsAt: null,
      explain: (used, _reserved, wanted) =>
        `"${meter.agentName}" would pass its budget of ${meter.limit} tokens per run (used ${used}, next request up to ${wanted}).`,
    };
  }
  return {
    id: `limit:run:${meter.runId}`,
    name: 'runMaxTokens',
    limit: meter.limit,
    ttl: RUN_METER_TTL,
    resetsAt: null,
    explain: (used, reserved, wanted) =>
      `The run would pass its cap of ${meter.limit} tokens (used ${used}` +
      `${reserved ? `, ${reserved} held by steps in progress` : ''}; next request up to ${wanted}).`,
  };
}

/** The 429 a person reads when a meter is full. */
export function limitError(meter: NamedMeter, full: MeterFullError, wanted: number): LimitExceededError {
  return new LimitExceededError(meter.name, meter.explain(full.used, full.reserved, wanted), {
    used: full.used,
    max: meter.limit ?? undefined,
    ...(meter.resetsAt ? { resetsAt: meter.resetsAt } : {}),
  });
}

/**
 * Event triggers are counted where they live (the agents and workflows): `used` are those beside the one being
 * saved, `wanted` the ones it would carry. Throws the 429 a person reads when the plan allows fewer.
 */
export function checkEventTriggers(tier: string, max: number, used: number, wanted: number): void {
  if (used + wanted <= max) return;
  throw new LimitExceededError(
    'eventTriggers',
    `Your ${tier} plan allows ${max} event trigger${max === 1 ? '' : 's'} across your agents and workflows; ` +
      `this change would make ${used + wanted}. Remove a trigger elsewhere, or change plan.`,
    { used, max },
  );
}
