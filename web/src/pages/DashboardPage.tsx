import Box from '@mui/material/Box';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo, useState, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useApiQuery } from '../api/hooks';
import type { Agent, Dashboard, Page } from '../api/types';
import { EmptyState, ErrorNotice, Loading, PageHeader, Section } from '../components/states';
import { count, humanize, money } from '../lib/format';

const COLORS = ['#2f5d62', '#8a5a44', '#5b8c5a', '#b3261e', '#6b6f9c', '#a07a00', '#4f5a5c'];
const STATUS_COLORS: Record<string, string> = {
  completed: '#2e6b3a',
  failed: '#b3261e',
  cancelled: '#8c8c8c',
  running: '#2f5d62',
  approved: '#2e6b3a',
  executed: '#2f5d62',
  rejected: '#8a5a44',
  expired: '#8c8c8c',
  pending: '#a07a00',
};

function Chart({ title, children, empty }: { title: string; children: ReactNode; empty: boolean }) {
  return (
    <Section title={title}>
      {empty ? (
        <Typography color="text.secondary">No data in this period.</Typography>
      ) : (
        <Box role="img" aria-label={`${title} chart`} sx={{ height: 260 }}>
          <ResponsiveContainer width="100%" height="100%">
            {children as never}
          </ResponsiveContainer>
        </Box>
      )}
    </Section>
  );
}

function Metric({ label, value }: { label: string; value: string }) {
  return (
    <Box>
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography sx={{ fontSize: '1.5rem', fontWeight: 600 }}>{value}</Typography>
    </Box>
  );
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 90) return `${Math.round(value)} s`;
  if (value < 5400) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

export function DashboardPage() {
  const [days, setDays] = useState(30);
  const range = useMemo(() => {
    const to = new Date();
    const from = new Date(to.getTime() - (days - 1) * 86_400_000);
    return { from: isoDay(from), to: isoDay(to) };
  }, [days]);
  const dash = useApiQuery<Dashboard>('/dashboard', range);
  const agents = useApiQuery<Page<Agent>>('/agents', { limit: 100 });
  const name = (id: string) => agents.data?.items.find((a) => a.id === id)?.name ?? id;

  const d = dash.data;
  const runs = d?.runs.byDay.filter((r) => r.started + r.completed + r.failed + r.cancelled > 0) ?? [];
  const usageByDay = d?.usage.byDay.filter((r) => r.totalTokens > 0 || r.costUsd > 0) ?? [];
  const byAgent = (d?.usage.byAgent ?? []).map((a) => ({ ...a, label: name(a.agentId) }));
  const totals = d?.suggestions.totals;
  const outcomes = totals
    ? (['executed', 'approved', 'rejected', 'expired', 'failed', 'undone'] as const)
        .map((k) => ({ name: k, value: totals[k] }))
        .filter((o) => o.value > 0)
    : [];
  const latency = d?.approvalLatency;

  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle="Runs, tokens, cost and how you decided, by day and agent."
        actions={
          <TextField
            select
            size="small"
            label="Period"
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
            sx={{ minWidth: 160 }}
          >
            <MenuItem value={7}>Last 7 days</MenuItem>
            <MenuItem value={30}>Last 30 days</MenuItem>
            <MenuItem value={90}>Last 90 days</MenuItem>
          </TextField>
        }
      />
      {dash.isLoading ? (
        <Loading />
      ) : dash.error ? (
        <ErrorNotice error={dash.error} onRetry={() => void dash.refetch()} />
      ) : !d ? (
        <EmptyState title="No data yet" />
      ) : (
        <Box sx={{ display: 'grid', gap: 0, gridTemplateColumns: { xs: '1fr', lg: '1fr 1fr' }, columnGap: 3 }}>
          <Chart title="Runs by day" empty={runs.length === 0}>
            <BarChart data={runs}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} width={32} />
              <Tooltip />
              <Legend formatter={(v: string) => humanize(v)} />
              {(['completed', 'failed', 'cancelled'] as const).map((k) => (
                <Bar key={k} dataKey={k} stackId="runs" fill={STATUS_COLORS[k]} />
              ))}
            </BarChart>
          </Chart>
          <Chart title="Tokens by day" empty={usageByDay.length === 0}>
            <LineChart data={usageByDay}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" fontSize={12} />
              <YAxis fontSize={12} width={56} tickFormatter={(v: number) => count(v)} />
              <Tooltip formatter={(v) => count(Number(v))} />
              <Line dataKey="totalTokens" name="Tokens" stroke={COLORS[0]} strokeWidth={2} dot />
            </LineChart>
          </Chart>
          <Chart title="Cost by day" empty={usageByDay.length === 0}>
            <BarChart data={usageByDay}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="day" fontSize={12} />
              <YAxis fontSize={12} width={64} tickFormatter={(v: number) => money(v)} />
              <Tooltip formatter={(v) => money(Number(v))} />
              <Bar dataKey="costUsd" name="Cost" fill={COLORS[1]} />
            </BarChart>
          </Chart>
          <Chart title="Tokens and cost by agent" empty={byAgent.length === 0}>
            <BarChart data={byAgent} layout="vertical" margin={{ left: 16 }}>
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" fontSize={12} tickFormatter={(v: number) => count(v)} />
              <YAxis type="category" dataKey="label" fontSize={12} width={120} />
              <Tooltip formatter={(v) => count(Number(v))} />
              <Bar dataKey="totalTokens" name="Tokens" fill={COLORS[0]} />
            </BarChart>
          </Chart>
          <Chart title="Suggestion outcomes" empty={outcomes.length === 0}>
            <PieChart>
              <Pie
                data={outcomes}
                dataKey="value"
                nameKey="name"
                innerRadius={60}
                outerRadius={95}
                label={({ name: n, value }) => `${humanize(String(n))}: ${value}`}
              >
                {outcomes.map((o, i) => (
                  <Cell key={o.name} fill={STATUS_COLORS[o.name] ?? COLORS[i % COLORS.length]} />
                ))}
              </Pie>
              <Tooltip formatter={(v, n) => [count(Number(v)), humanize(String(n))]} />
              <Legend formatter={(value) => humanize(String(value))} />
            </PieChart>
          </Chart>
          <Section title="Approval latency">
            <Box sx={{ display: 'flex', gap: 4, flexWrap: 'wrap' }}>
              <Metric label="Half of decisions within" value={seconds(latency?.medianSecondsAtMost)} />
              <Metric label="Nine in ten within" value={seconds(latency?.p90SecondsAtMost)} />
              <Metric label="Average time to decide" value={seconds(latency?.averageSeconds)} />
              <Metric label="Decisions" value={count(latency?.decisions)} />
            </Box>
          </Section>
          <Section title="Totals">
            <Box sx={{ display: 'flex', gap: 4, flexWrap: 'wrap' }}>
              <Metric label="Runs" value={count(d.runs.totals.started)} />
              <Metric label="Tokens" value={count(d.usage.totals.totalTokens)} />
              <Metric label="Model cost" value={money(d.usage.totals.costUsd)} />
              <Metric label="Suggestions" value={count(d.suggestions.totals.created)} />
              <Metric label="Time saved (est.)" value={`${count(Math.round(d.timeSaved.minutes))} min`} />
            </Box>
          </Section>
        </Box>
      )}
    </>
  );
}
