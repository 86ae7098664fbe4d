import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useApiQuery } from '../api/hooks';
import type { Profile } from '../api/types';
import {
  buildCron,
  cronWeekdays,
  daysInWords,
  MONDAY_TO_FRIDAY,
  nextRuns,
  parseWeekdays,
  shortestGapMinutes,
  WEEKDAYS,
  type CronParts,
  type Frequency,
} from '../lib/cron';
import { humanize, runTime } from '../lib/format';
import { intervalWords } from '../lib/schedule-text';

import { TimeZonePicker } from './TimeZonePicker';

export interface ScheduleValue {
  enabled: boolean;
  parts: CronParts;
  timezone: string;
}

/** The builder's choices, each with the shortest gap between its runs (to hold it against the plan's rule). */
const FREQUENCIES: { value: Frequency; label: string; gapMinutes: number }[] = [
  { value: 'weekdays', label: 'Every weekday', gapMinutes: 24 * 60 },
  { value: 'daily', label: 'Every day', gapMinutes: 24 * 60 },
  { value: 'weekly', label: 'Once a week', gapMinutes: 7 * 24 * 60 },
  { value: 'workingHours', label: 'Every hour during working hours', gapMinutes: 60 },
  { value: 'hourly', label: 'Every hour', gapMinutes: 60 },
  { value: 'custom', label: 'Custom (cron)', gapMinutes: 0 },
];

const pad = (n: number) => String(n).padStart(2, '0');
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** The "Days" choices of working hours: the person's own working days, weekdays, every day and the days shown. */
function dayChoices(own: number[], shown: number[]): { value: string; label: string }[] {
  const choices = new Map<string, string>();
  const ownField = cronWeekdays(own);
  if (ownField !== '1-5' && ownField !== '*') choices.set(ownField, `Your working days (${daysInWords(own)})`);
  choices.set('1-5', 'Weekdays');
  choices.set('*', 'Every day');
  const shownField = cronWeekdays(shown);
  if (!choices.has(shownField))
    choices.set(
      shownField,
      daysInWords(shown).replace(/^./, (c) => c.toUpperCase()),
    );
  return [...choices].map(([value, label]) => ({ value, label }));
}

/** The plan's rule in words, and what breaks it, from the person's plan as the API reports it. */
function usePlanRule(): { minMinutes: number; sentence: string; planName: string } | undefined {
  const me = useApiQuery<Profile>('/me');
  const minMinutes = me.data?.usage.scheduleMinIntervalMinutes.max;
  if (!me.data || !minMinutes) return undefined;
  const planName = `${humanize(me.data.tier)} plan`;
  return { minMinutes, planName, sentence: `Your ${planName} runs a schedule at most ${intervalWords(minMinutes)}.` };
}

export function ScheduleEditor({ value, onChange }: { value: ScheduleValue; onChange: (v: ScheduleValue) => void }) {
  const { parts, timezone } = value;
  const rule = usePlanRule();
  const me = useApiQuery<Profile>('/me');
  const working = me.data?.workingHours ?? { from: 8, until: 18, days: MONDAY_TO_FRIDAY };
  const cron = buildCron(parts);
  const preview = value.enabled ? nextRuns(cron, timezone) : { times: [] };
  const gap = value.enabled && !preview.error ? shortestGapMinutes(cron, timezone) : undefined;
  const tooOften =
    rule && gap !== undefined && gap < rule.minMinutes
      ? `This runs ${intervalWords(gap)}; your ${rule.planName} allows at most ${intervalWords(rule.minMinutes)}.`
      : undefined;
  const set = (p: Partial<CronParts>) => onChange({ ...value, parts: { ...parts, ...p } });

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
              onChange={(e) => {
                const frequency = e.target.value as Frequency;
                // Working hours start as the person's own (from Settings); they can be changed for this schedule.
                const own =
                  frequency === 'workingHours' && parts.frequency !== 'workingHours'
                    ? { hour: working.from, untilHour: working.until, workingDays: working.days }
                    : {};
                set({ frequency, custom: cron, ...own });
              }}
              helperText={rule?.sentence}
              sx={{ minWidth: 180, maxWidth: 360 }}
            >
              {FREQUENCIES.map((f) => {
                const offPlan = !!rule && f.value !== 'custom' && f.gapMinutes < rule.minMinutes;
                return (
                  <MenuItem key={f.value} value={f.value} disabled={offPlan}>
                    {f.label}
                    {offPlan ? ` (not on the ${rule.planName})` : ''}
                  </MenuItem>
                );
              })}
            </TextField>
            {parts.frequency === 'workingHours' && (
              <>
                <TextField
                  select
                  label="From"
                  value={parts.hour}
                  onChange={(e) => set({ hour: Number(e.target.value) })}
                  sx={{ minWidth: 110 }}
                >
                  {HOURS.filter((h) => h < parts.untilHour).map((h) => (
                    <MenuItem key={h} value={h}>{`${pad(h)}:${pad(parts.minute)}`}</MenuItem>
                  ))}
                </TextField>
                <TextField
                  select
                  label="Until"
                  value={parts.untilHour}
                  onChange={(e) => set({ untilHour: Number(e.target.value) })}
                  sx={{ minWidth: 110 }}
                >
                  {HOURS.filter((h) => h > parts.hour).map((h) => (
                    <MenuItem key={h} value={h}>{`${pad(h)}:${pad(parts.minute)}`}</MenuItem>
                  ))}
                </TextField>
                <TextField
                  select
                  label="Days"
                  value={cronWeekdays(parts.workingDays)}
                  onChange={(e) => set({ workingDays: parseWeekdays(e.target.value) ?? MONDAY_TO_FRIDAY })}
                  sx={{ minWidth: 150 }}
                >
                  {dayChoices(working.days, parts.workingDays).map((choice) => (
                    <MenuItem key={choice.value} value={choice.value}>
                      {choice.label}
                    </MenuItem>
                  ))}
                </TextField>
              </>
            )}
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
            {(parts.frequency === 'weekdays' || parts.frequency === 'daily' || parts.frequency === 'weekly') && (
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
            {(parts.frequency === 'hourly' || parts.frequency === 'workingHours') && (
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
            {tooOften && <Typography color="error">{tooOften}</Typography>}
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
                      <Typography variant="body2">{runTime(t, timezone)}</Typography>
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
