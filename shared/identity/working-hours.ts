import { z } from 'zod';

/**
 * When a person works, in their own time zone: whole hours and the weekdays they work (0 = Sunday … 6 = Saturday).
 * Schedules that run "during working hours" run every hour from `from` through `until` on those days.
 */
export interface WorkingHours {
  /** First hour of the working day (0-22). */
  from: number;
  /** Last hour a working-hours run starts in (1-23, after `from`): 8 to 18 runs at 08:00, 09:00 … 18:00. */
  until: number;
  /** Working weekdays, 0 = Sunday; at least one, each once, in ascending order. */
  days: number[];
}

/** What a person's working hours are until they say otherwise: 08:00–18:00, Monday to Friday. */
export const DEFAULT_WORKING_HOURS: Readonly<WorkingHours> = Object.freeze({
  from: 8,
  until: 18,
  days: [1, 2, 3, 4, 5],
});

export const workingHoursSchema = z
  .object({
    from: z.number().int().min(0).max(22),
    until: z.number().int().min(1).max(23),
    days: z.array(z.number().int().min(0).max(6)).min(1, 'choose at least one working day').max(7),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.until <= value.from)
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than the start of the working day' });
    if (new Set(value.days).size !== value.days.length)
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'name each working day once' });
  });

/** The same hours with the days in ascending order (how they are stored and compared). */
export function normalizeWorkingHours(hours: WorkingHours): WorkingHours {
  return { from: hours.from, until: hours.until, days: [...new Set(hours.days)].sort((a, b) => a - b) };
}

/** The cron weekday field for `days`: `*` for every day, runs of three or more as ranges ("1-5", "0-4", "1,3,5"). */
export function cronWeekdays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/** "Every hour during working hours" as cron: `0 8-18 * * 1-5` for the default hours. */
export function workingHoursCron(hours: WorkingHours, minute = 0): string {
  return `${minute} ${hours.from}-${hours.until} * * ${cronWeekdays(hours.days)}`;
}
