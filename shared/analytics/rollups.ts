import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import type { DomainEvent } from '../platform/events/domain-event';
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../platform/errors';
import type { SystemMarkers } from '../suggestions/system-markers';

/** Documents per tenant and day. */
const SHARDS = 4;

/** Upper bounds (seconds) of the decision-latency histogram; the last bucket is open. */
export const LATENCY_BUCKETS = [60, 300, 900, 3_600, 4 * 3_600, 86_400, 3 * 86_400, Number.POSITIVE_INFINITY] as const;

export interface UsageCounters {
  runs: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

export interface SuggestionCounters {
  created: number;
  approved: number;
  rejected: number;
  executed: number;
  failed: number;
  expired: number;
  undone: number;
}

/** One tenant's figures for one UTC day, kept up to date by the analytics consumer (the dashboard never scans). */
export interface DailyRollup extends TenantDoc {
  type: 'rollup-day';
  day: string;
  runs: { started: number; completed: number; failed: number; cancelled: number };
  byAgent: Record<string, UsageCounters>;
  byModel: Record<string, UsageCounters>;
  suggestions: SuggestionCounters;
  byKind: Record<string, SuggestionCounters>;
  decisionSources: Record<string, number>;
  /** Time from suggestion to decision (approve or reject). */
  decisionLatency: { count: number; totalSeconds: number; buckets: number[] };
  /** Time from approval to the action being carried out. */
  executionLatency: { count: number; totalSeconds: number };
  timeSavedMinutes: number;
  updatedAt: string;
}

const emptyUsage = (): UsageCounters => ({ runs: 0, failed: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });
export const emptySuggestionCounters = (): SuggestionCounters => ({
  created: 0,
  approved: 0,
  rejected: 0,
  executed: 0,
  failed: 0,
  expired: 0,
  undone: 0,
});

function emptyRollup(tenantId: string, day: string): DailyRollup {
  return {
    id: `day:${day}`,
    tenantId,
    type: 'rollup-day',
    day,
    runs: { started: 0, completed: 0, failed: 0, cancelled: 0 },
    byAgent: {},
    byModel: {},
    suggestions: emptySuggestionCounters(),
    byKind: {},
    decisionSources: {},
    decisionLatency: { count: 0, totalSeconds: 0, buckets: LATENCY_BUCKETS.map(() => 0) },
    executionLatency: { count: 0, totalSeconds: 0 },
    timeSavedMinutes: 0,
    updatedAt: new Date(0).toISOString(),
  };
}

/** Minutes a person saves per carried-out suggestion of each kind (rough, configurable). */
export const DEFAULT_TIME_SAVED_MINUTES: Record<string, number> = {
  'email.reply': 4,
  'email.draft': 3,
  'email.label': 0.5,
  'email.archive': 0.5,
  'calendar.create': 3,
  'doc.create': 15,
  'notion.page': 10,
  task: 1,
};

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Run events carry tokens either as a total or split; both are accepted. */
function tokensOf(data: Record<string, unknown>): { prompt: number; completion: number } {
  const t = data.tokens;
  if (typeof t === 'number') return { prompt: 0, completion: num(t) };
  if (t && typeof t === 'object') {
    const o = t as Record<string, unknown>;
    return { prompt: num(o.prompt ?? o.promptTokens), completion: num(o.completion ?? o.completionTokens) };
  }
  return { prompt: num(data.promptTokens), completion: num(data.completionTokens) };
}

function addUsage(
  map: Record<string, UsageCounters>,
  key: string,
  tokens: { prompt: number; completion: number },
  cost: number,
  failed: boolean,
) {
  const c = (map[key] ??= emptyUsage());
  c.runs += 1;
  if (failed) c.failed += 1;
  c.promptTokens += tokens.prompt;
  c.completionTokens += tokens.completion;
  c.costUsd = Math.round((c.costUsd + cost) * 1e6) / 1e6;
}

function bump(rollup: DailyRollup, kind: string, field: keyof SuggestionCounters) {
  rollup.suggestions[field] += 1;
  (rollup.byKind[kind] ??= emptySuggestionCounters())[field] += 1;
}

/** Applies one event to a day's rollup (pure). Returns false for events the dashboard does not count. */
function applyEvent(rollup: DailyRollup, event: DomainEvent, timeSaved: Record<string, number>): boolean {
  const data = event.data as Record<string, unknown>;
  const kind = typeof data.kind === 'string' ? data.kind : 'unknown';
  switch (event.type) {
    case 'RunStarted':
      rollup.runs.started += 1;
      return true;
    case 'RunCompleted':
    case 'RunFailed': {
      const failed = event.type === 'RunFailed';
      rollup.runs[failed ? 'failed' : 'completed'] += 1;
      // A workflow run names its steps: tokens and cost go to each step's agent and model.
      const steps = Array.isArray(data.steps)
        ? (data.steps as Record<string, unknown>[]).filter((s) => s && typeof s === 'object')
        : [];
      const parts = steps.length > 0 ? steps : [data];
      for (const part of parts) {
        const tokens = tokensOf(part);
        const cost = num(part.costUsd);
        const agent =
          typeof part.agentId === 'string'
            ? part.agentId
            : typeof data.workflowId === 'string'
              ? data.workflowId
              : 'unknown';
        addUsage(rollup.byAgent, agent, tokens, cost, failed);
        addUsage(
          rollup.byModel,
          typeof part.model === 'string' && part.model ? part.model : 'unknown',
          tokens,
          cost,
          failed,
        );
      }
      return true;
    }
    case 'RunCancelled':
      rollup.runs.cancelled += 1;
      return true;
    case 'SuggestionCreated':
      bump(rollup, kind, 'created');
      return true;
    case 'SuggestionApproved':
    case 'SuggestionRejected': {
      bump(rollup, kind, event.type === 'SuggestionApproved' ? 'approved' : 'rejected');
      const source = typeof data.source === 'string' ? data.source : 'web';
      rollup.decisionSources[source] = (rollup.decisionSources[source] ?? 0) + 1;
      const latency = num(data.latencySeconds);
      rollup.decisionLatency.count += 1;
      rollup.decisionLatency.totalSeconds += latency;
      const bucket = LATENCY_BUCKETS.findIndex((edge) => latency <= edge);
      rollup.decisionLatency.buckets[bucket] = (rollup.decisionLatency.buckets[bucket] ?? 0) + 1;
      return true;
    }
    case 'SuggestionExecuted':
      bump(rollup, kind, 'executed');
      rollup.executionLatency.count += 1;
      rollup.executionLatency.totalSeconds += num(data.executionSeconds);
      rollup.timeSavedMinutes += timeSaved[kind] ?? 0;
      return true;
    case 'SuggestionFailed':
      bump(rollup, kind, 'failed');
      return true;
    case 'SuggestionExpired':
      bump(rollup, kind, 'expired');
      return true;
    case 'SuggestionUndone':
      bump(rollup, kind, 'undone');
      rollup.timeSavedMinutes = Math.max(0, rollup.timeSavedMinutes - (timeSaved[kind] ?? 0));
      return true;
    default:
      return false;
  }
}

/** The analytics consumer's store: one event counts once, whatever the broker redelivers. */
export interface RollupStore {
  /** Returns 'applied', 'duplicate' or 'ignored'. */
  record(event: DomainEvent): Promise<'applied' | 'duplicate' | 'ignored'>;
  days(tenantId: string, fromDay: string, toDay: string): Promise<DailyRollup[]>;
  deleteAllOfTenant(tenantId: string): Promise<number>;
}

export function createRollupStore(deps: {
  store: CosmosStore;
  markers: SystemMarkers;
  now: () => Date;
  timeSavedMinutes: Record<string, number>;
}): RollupStore {
  const repo = createTenantRepository<DailyRollup>(deps.store, 'analytics', 'rollup');
  const COUNTED = new Set([
    'RunStarted',
    'RunCompleted',
    'RunFailed',
    'RunCancelled',
    'SuggestionCreated',
    'SuggestionApproved',
    'SuggestionRejected',
    'SuggestionExecuted',
    'SuggestionFailed',
    'SuggestionExpired',
    'SuggestionUndone',
  ]);

  return {
    async record(event) {
      if (!COUNTED.has(event.type) || !event.tenantId) return 'ignored';
      if (!(await deps.markers.claim('event-analytics', event.id, 14 * 86_400, { type: event.type })))
        return 'duplicate';
      try {
        const day = (event.occurredAt ?? deps.now().toISOString()).slice(0, 10);
        // A day's figures are spread over a few shard documents so concurrent consumers rarely touch the same one.
        const shard = createHash('sha256').update(event.id).digest()[0]! % SHARDS;
        const id = `day:${day}:${shard}`;
        const apply = (current: DailyRollup) => {
          const next = structuredClone(current) as DailyRollup;
          applyEvent(next, event, deps.timeSavedMinutes);
          next.updatedAt = deps.now().toISOString();
          return next;
        };
        try {
          await repo.update(event.tenantId, id, apply, 50);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          try {
            await repo.create(apply({ ...emptyRollup(event.tenantId, day), id }));
          } catch (createErr) {
            if (!(createErr instanceof ConflictError)) throw createErr;
            await repo.update(event.tenantId, id, apply, 50); // created concurrently
          }
        }
        return 'applied';
      } catch (err) {
        // Not counted: let a redelivery count it.
        await deps.markers.release('event-analytics', event.id);
        throw err;
      }
    },

    days(tenantId, fromDay, toDay) {
      return repo.queryAll(
        tenantId,
        // Days stored before the field was named `type` carry `docType`.
        'SELECT * FROM c WHERE (c.type = "rollup-day" OR c.docType = "rollup-day") AND c.day >= @from AND c.day <= @to',
        [
          { name: '@from', value: fromDay },
          { name: '@to', value: toDay },
        ],
        2_000,
      );
    },

    deleteAllOfTenant(tenantId) {
      return repo.deleteAllOfTenant(tenantId);
    },
  };
}
