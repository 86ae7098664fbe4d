import { z } from 'zod';
import {
  emptySuggestionCounters,
  LATENCY_BUCKETS,
  type DailyRollup,
  type RollupStore,
  type SuggestionCounters,
  type UsageCounters,
} from './rollups';

const counters = z.object({
  created: z.number(),
  approved: z.number(),
  rejected: z.number(),
  executed: z.number(),
  failed: z.number(),
  expired: z.number(),
  undone: z.number(),
});
const usageRow = z.object({
  runs: z.number(),
  failed: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
});

export const dashboardSchema = z.object({
  from: z.string(),
  to: z.string(),
  runs: z.object({
    totals: z.object({ started: z.number(), completed: z.number(), failed: z.number(), cancelled: z.number() }),
    byDay: z.array(
      z.object({
        day: z.string(),
        started: z.number(),
        completed: z.number(),
        failed: z.number(),
        cancelled: z.number(),
      }),
    ),
  }),
  usage: z.object({
    totals: z.object({
      promptTokens: z.number(),
      completionTokens: z.number(),
      totalTokens: z.number(),
      costUsd: z.number(),
    }),
    byAgent: z.array(usageRow.extend({ agentId: z.string() })),
    byModel: z.array(usageRow.extend({ model: z.string() })),
    byDay: z.array(z.object({ day: z.string(), totalTokens: z.number(), costUsd: z.number() })),
  }),
  suggestions: z.object({
    totals: counters,
    byKind: z.array(counters.extend({ kind: z.string() })),
    decisionSources: z.record(z.string(), z.number()),
  }),
  approvalLatency: z.object({
    decisions: z.number(),
    averageSeconds: z.number().nullable(),
    /** Upper bound of the histogram bucket holding the median / 90th percentile. */
    medianSecondsAtMost: z.number().nullable(),
    p90SecondsAtMost: z.number().nullable(),
    executions: z.number(),
    averageSecondsToExecute: z.number().nullable(),
  }),
  timeSaved: z.object({ minutes: z.number(), executedSuggestions: z.number() }),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;

function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function mergeUsage(into: Record<string, UsageCounters>, from: Record<string, UsageCounters>) {
  for (const [key, c] of Object.entries(from)) {
    const t = (into[key] ??= { runs: 0, failed: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 });
    t.runs += c.runs;
    t.failed += c.failed;
    t.promptTokens += c.promptTokens;
    t.completionTokens += c.completionTokens;
    t.costUsd += c.costUsd;
  }
}

function usageRows(map: Record<string, UsageCounters>) {
  return Object.entries(map)
    .map(([key, c]) => ({
      key,
      runs: c.runs,
      failed: c.failed,
      promptTokens: c.promptTokens,
      completionTokens: c.completionTokens,
      totalTokens: c.promptTokens + c.completionTokens,
      costUsd: round(c.costUsd),
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.totalTokens - a.totalTokens || a.key.localeCompare(b.key));
}

function quantileBound(buckets: number[], count: number, q: number): number | null {
  if (count === 0) return null;
  const target = Math.ceil(count * q);
  let seen = 0;
  for (const [i, n] of buckets.entries()) {
    seen += n;
    if (seen >= target) {
      const edge = LATENCY_BUCKETS[i]!;
      return Number.isFinite(edge) ? edge : null;
    }
  }
  return null;
}

/** The dashboard for [from, to] (UTC days, inclusive), from the daily rollups only. */
export async function buildDashboard(
  rollups: RollupStore,
  tenantId: string,
  from: string,
  to: string,
): Promise<Dashboard> {
  const docs = await rollups.days(tenantId, from, to);
  const byDay = new Map<string, DailyRollup[]>();
  for (const doc of docs) byDay.set(doc.day, [...(byDay.get(doc.day) ?? []), doc]);
  const sum = (shards: DailyRollup[] | undefined, pick: (d: DailyRollup) => number) =>
    (shards ?? []).reduce((n, d) => n + pick(d), 0);
  const days = daysBetween(from, to);

  const runTotals = { started: 0, completed: 0, failed: 0, cancelled: 0 };
  const agents: Record<string, UsageCounters> = {};
  const models: Record<string, UsageCounters> = {};
  const suggestionTotals: SuggestionCounters = emptySuggestionCounters();
  const kinds: Record<string, SuggestionCounters> = {};
  const sources: Record<string, number> = {};
  const buckets = LATENCY_BUCKETS.map(() => 0);
  let decisions = 0;
  let decisionSeconds = 0;
  let executions = 0;
  let executionSeconds = 0;
  let minutes = 0;

  for (const doc of docs) {
    for (const k of Object.keys(runTotals) as (keyof typeof runTotals)[]) runTotals[k] += doc.runs[k];
    mergeUsage(agents, doc.byAgent);
    mergeUsage(models, doc.byModel);
    for (const k of Object.keys(suggestionTotals) as (keyof SuggestionCounters)[])
      suggestionTotals[k] += doc.suggestions[k];
    for (const [kind, c] of Object.entries(doc.byKind)) {
      const t = (kinds[kind] ??= emptySuggestionCounters());
      for (const k of Object.keys(t) as (keyof SuggestionCounters)[]) t[k] += c[k];
    }
    for (const [s, n] of Object.entries(doc.decisionSources)) sources[s] = (sources[s] ?? 0) + n;
    doc.decisionLatency.buckets.forEach((n, i) => (buckets[i] = (buckets[i] ?? 0) + n));
    decisions += doc.decisionLatency.count;
    decisionSeconds += doc.decisionLatency.totalSeconds;
    executions += doc.executionLatency.count;
    executionSeconds += doc.executionLatency.totalSeconds;
    minutes += doc.timeSavedMinutes;
  }

  const agentRows = usageRows(agents);
  const modelRows = usageRows(models);
  const totals = agentRows.reduce(
    (acc, r) => ({
      promptTokens: acc.promptTokens + r.promptTokens,
      completionTokens: acc.completionTokens + r.completionTokens,
      costUsd: acc.costUsd + r.costUsd,
    }),
    { promptTokens: 0, completionTokens: 0, costUsd: 0 },
  );

  return {
    from,
    to,
    runs: {
      totals: runTotals,
      byDay: days.map((day) => {
        const shards = byDay.get(day);
        return {
          day,
          started: sum(shards, (d) => d.runs.started),
          completed: sum(shards, (d) => d.runs.completed),
          failed: sum(shards, (d) => d.runs.failed),
          cancelled: sum(shards, (d) => d.runs.cancelled),
        };
      }),
    },
    usage: {
      totals: { ...totals, totalTokens: totals.promptTokens + totals.completionTokens, costUsd: round(totals.costUsd) },
      byAgent: agentRows.map(({ key, ...r }) => ({ agentId: key, ...r })),
      byModel: modelRows.map(({ key, ...r }) => ({ model: key, ...r })),
      byDay: days.map((day) => {
        const rows = (byDay.get(day) ?? []).flatMap((d) => Object.values(d.byAgent));
        return {
          day,
          totalTokens: rows.reduce((n, c) => n + c.promptTokens + c.completionTokens, 0),
          costUsd: round(rows.reduce((n, c) => n + c.costUsd, 0)),
        };
      }),
    },
    suggestions: {
      totals: suggestionTotals,
      byKind: Object.entries(kinds)
        .map(([kind, c]) => ({ kind, ...c }))
        .sort((a, b) => b.created - a.created || a.kind.localeCompare(b.kind)),
      decisionSources: sources,
    },
    approvalLatency: {
      decisions,
      averageSeconds: decisions ? round(decisionSeconds / decisions, 1) : null,
      medianSecondsAtMost: quantileBound(buckets, decisions, 0.5),
      p90SecondsAtMost: quantileBound(buckets, decisions, 0.9),
      executions,
      averageSecondsToExecute: executions ? round(executionSeconds / executions, 2) : null,
    },
    timeSaved: { minutes: round(minutes, 1), executedSuggestions: suggestionTotals.executed - suggestionTotals.undone },
  };
}
