import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { Limits, Usage } from '../api/types';
import { count, dateTime, money } from '../lib/format';

/** The limits that are counted (the rest, like the shortest schedule interval, are settings of the plan). */
const METERS: { key: keyof Limits; label: string }[] = [
  { key: 'runsPerDay', label: 'Agent runs today' },
  { key: 'tokensPerMonth', label: 'Model tokens this month' },
  { key: 'agents', label: 'Agents' },
  { key: 'workflows', label: 'Workflows' },
  { key: 'eventTriggers', label: 'Event triggers' },
  { key: 'connectors', label: 'Connected accounts' },
  { key: 'approvalEmailsPerDay', label: 'Approval emails today' },
];

/** One bar per limit of the plan: used of max, coloured as it fills up. */
export function UsageMeters({ limits, usage }: { limits?: Limits; usage?: Usage }) {
  const source = usage?.limits ?? limits;
  if (!source) return <Typography color="text.secondary">No usage yet.</Typography>;
  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      {METERS.map(({ key, label }) => {
        const limit = source[key];
        if (!limit || limit.used === null) return null;
        const percent = limit.max > 0 ? Math.min(100, (limit.used / limit.max) * 100) : 100;
        return (
          <Box key={key}>
            <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
              <Typography variant="body2">{label}</Typography>
              <Typography variant="body2" color="text.secondary">
                {count(limit.used)} of {count(limit.max)}
              </Typography>
            </Box>
            <LinearProgress
              variant="determinate"
              value={percent}
              color={percent >= 90 ? 'error' : percent >= 75 ? 'warning' : 'primary'}
              aria-label={`${label}: ${Math.round(percent)}% of your plan`}
              sx={{ mt: 0.5, height: 8, borderRadius: 4 }}
            />
            {percent >= 100 && limit.resetsAt && (
              <Typography variant="body2" color="error">
                Limit reached. Resets {dateTime(limit.resetsAt)}.
              </Typography>
            )}
          </Box>
        );
      })}
      {usage && (
        <Typography variant="body2" color="text.secondary">
          This month: {count(usage.month.runs)} runs, {count(usage.month.promptTokens + usage.month.completionTokens)}{' '}
          tokens, {money(usage.month.costUsd)} of model cost.
        </Typography>
      )}
    </Box>
  );
}
