import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { Usage } from '../api/types';
import { count, humanize, money } from '../lib/format';

interface Meter {
  key: string;
  used: number;
  limit: number | null;
}

/** Accepts `{ metric: { used, limit } }` (what the usage endpoint returns) and shows one bar per metric. */
function metersOf(usage: Usage | undefined): Meter[] {
  if (!usage) return [];
  const source = (usage.metrics && typeof usage.metrics === 'object' ? usage.metrics : usage) as Record<string, unknown>;
  const out: Meter[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && 'used' in value) {
      const v = value as { used: number; limit?: number | null };
      out.push({ key, used: Number(v.used) || 0, limit: v.limit ?? null });
    }
  }
  return out;
}

const LABELS: Record<string, string> = { runs: 'Agent runs', tokens: 'Model tokens', costUsd: 'Model cost', suggestions: 'Suggestions', agents: 'Agents', connectors: 'Connected accounts' };

export function UsageMeters({ usage }: { usage: Usage | undefined }) {
  const meters = metersOf(usage);
  if (meters.length === 0) return <Typography color="text.secondary">No usage yet this period.</Typography>;
  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {meters.map((m) => {
        const fmt = m.key.toLowerCase().includes('cost') ? money : count;
        const percent = m.limit ? Math.min(100, (m.used / m.limit) * 100) : 0;
        const label = LABELS[m.key] ?? humanize(m.key);
        return (
          <Box key={m.key}>
            <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
              <Typography variant="body2">{label}</Typography>
              <Typography variant="body2" color="text.secondary">
                {fmt(m.used)} {m.limit !== null ? `of ${fmt(m.limit)}` : '(no limit)'}
              </Typography>
            </Box>
            {m.limit !== null && (
              <LinearProgress
                variant="determinate"
                value={percent}
                color={percent >= 90 ? 'error' : percent >= 75 ? 'warning' : 'primary'}
                aria-label={`${label}: ${Math.round(percent)}% of your plan`}
                sx={{ mt: 0.5, height: 8, borderRadius: 4 }}
              />
            )}
          </Box>
        );
      })}
    </Box>
  );
}
