import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { buildCron, nextRuns, WEEKDAYS, type CronParts, type Frequency } from '../lib/cron';

import { TimeZonePicker } from './TimeZonePicker';

export interface ScheduleValue {
  enabled: boolean;
  parts: CronParts;
  timezone: string;
}

const FREQUENCIES: { value: Frequency; label: string }[] = [
  { value: 'weekdays', label: 'Every weekday' },
  { value: 'daily', label: 'Every day' },
  { value: 'weekly', label: 'Once a week' },
  { value: 'hourly', label: 'Every hour' },
  { value: 'custom', label: 'Custom (cron)' },
];

const pad = (n: number) => String(n).padStart(2, '0');

export function ScheduleEditor({ value, onChange }: { value: ScheduleValue; onChange: (v: ScheduleValue) => void }) {
  const { parts, timezone } = value;
  const cron = buildCron(parts);
  const preview = value.enabled ? nextRuns(cron, timezone) : { times: [] };
  const set = (p: Partial<CronParts>) => onChange({ ...value, parts: { ...parts, ...p } });
  const fmt = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: timezone,
    timeZoneName: 'short',
  });

  return (
    <Box sx={{ display: 'grid', gap: 2 }}>
      <FormControlLabel
        control={<Switch checked={value.enabled} onChange={(e) => onChange({ ...value, enabled: e.target.checked })} />}
        label="Run on a schedule"
      />
      {value.enabled && (
        <>
          <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
            <TextField
              select
              label="How often"
              value={parts.frequency}
              onChange={(e) => set({ frequency: e.target.value as Frequency, custom: cron })}
              sx={{ minWidth: 180 }}
            >
              {FREQUENCIES.map((f) => (
                <MenuItem key={f.value} value={f.value}>
                  {f.label}
                </MenuItem>
              ))}
            </TextField>
            {parts.frequency === 'weekly' && (
              <TextField
                select
                label="Day"
                value={parts.weekday}
                onChange={(e) => set({ weekday: Number(e.target.value) })}
                sx={{ minWidth: 150 }}
              >
                {WEEKDAYS.map((d, i) => (
                  <MenuItem key={d} value={i}>
                    {d}
                  </MenuItem>
                ))}
              </TextField>
            )}
            {parts.frequency !== 'custom' && parts.frequency !== 'hourly' && (
              <TextField
                label="Time"
                type="time"
                value={`${pad(parts.hour)}:${pad(parts.minute)}`}
                onChange={(e) => {
                  const [h, m] = e.target.value.split(':').map(Number);
                  if (Number.isFinite(h) && Number.isFinite(m)) set({ hour: h!, minute: m! });
                }}
                slotProps={{ inputLabel: { shrink: true } }}
              />
            )}
            {parts.frequency === 'hourly' && (
              <TextField
                label="Minute past the hour"
                type="number"
                value={parts.minute}
                onChange={(e) => set({ minute: Math.max(0, Math.min(59, Number(e.target.value) || 0)) })}
                slotProps={{ htmlInput: { min: 0, max: 59 } }}
              />
            )}
            {parts.frequency === 'custom' && (
              <TextField
                label="Cron expression"
                value={parts.custom}
                onChange={(e) => set({ custom: e.target.value })}
                helperText="minute hour day month weekday, e.g. 30 7 * * 1-5"
              />
            )}
          </Box>
          <TimeZonePicker
            value={timezone}
            onChange={(zone) => onChange({ ...value, timezone: zone })}
            sx={{ maxWidth: 360 }}
          />
          <Box aria-live="polite">
            {preview.error ? (
              <Typography color="error">{preview.error}</Typography>
            ) : (
              <>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  Next runs
                </Typography>
                <Box component="ul" sx={{ m: 0, pl: 2.5 }} aria-label="Next run times">
                  {preview.times.map((t) => (
                    <li key={t.toISOString()}>
                      <Typography variant="body2">{fmt.format(t)}</Typography>
                    </li>
                  ))}
                </Box>
              </>
            )}
          </Box>
        </>
      )}
    </Box>
  );
}
