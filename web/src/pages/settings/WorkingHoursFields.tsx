import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { Profile } from '../../api/types';
import { WEEKDAYS } from '../../lib/cron';

export type WorkingHours = Profile['workingHours'];

/** The week as the rest of the app shows it: Monday first. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];
const clock = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * The person's working hours in the profile form: first and last hour, and a checkbox per working day. `errors` are
 * the API's field errors (by path without `body.`), shown next to the field they are about.
 */
export function WorkingHoursFields({
  value,
  onChange,
  errors,
  timezone,
}: {
  value: WorkingHours;
  onChange: (next: WorkingHours) => void;
  errors: Record<string, string>;
  timezone: string;
}) {
  const toggle = (day: number, on: boolean) =>
    onChange({ ...value, days: on ? [...value.days, day].sort((a, b) => a - b) : value.days.filter((d) => d !== day) });
  const daysError =
    errors['workingHours.days'] ?? Object.entries(errors).find(([k]) => k.startsWith('workingHours.days'))?.[1];

  return (
    <>
      <Typography variant="h3" component="h3" sx={{ mt: 1 }}>
        Working hours
      </Typography>
      <Typography variant="body2" color="text.secondary" id="working-hours-help">
        Agents that run during working hours (such as the Inbox Assistant) run every hour from the start to the end of
        your working day, on your working days, in your time zone ({timezone}). A schedule you changed by hand stays as
        you set it.
      </Typography>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <TextField
          select
          label="From"
          value={value.from}
          onChange={(e) => onChange({ ...value, from: Number(e.target.value) })}
          error={!!errors['workingHours.from']}
          helperText={errors['workingHours.from']}
          sx={{ minWidth: 140, flex: 1 }}
        >
          {Array.from({ length: 23 }, (_, h) => (
            <MenuItem key={h} value={h}>
              {clock(h)}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Until"
          value={value.until}
          onChange={(e) => onChange({ ...value, until: Number(e.target.value) })}
          error={!!errors['workingHours.until']}
          helperText={errors['workingHours.until'] ?? 'The last hour a run starts in.'}
          sx={{ minWidth: 140, flex: 1 }}
        >
          {Array.from({ length: 23 }, (_, i) => i + 1).map((h) => (
            <MenuItem key={h} value={h}>
              {clock(h)}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <FormControl component="fieldset" error={!!daysError}>
        <FormLabel component="legend">Working days</FormLabel>
        <FormGroup row>
          {WEEK_ORDER.map((day) => (
            <FormControlLabel
              key={day}
              label={WEEKDAYS[day]}
              control={<Checkbox checked={value.days.includes(day)} onChange={(e) => toggle(day, e.target.checked)} />}
            />
          ))}
        </FormGroup>
        {daysError && <FormHelperText>{daysError}</FormHelperText>}
      </FormControl>
    </>
  );
}
