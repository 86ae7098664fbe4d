import { Cron } from 'croner';

/** The schedules people pick most, as cron expressions (minute hour day-of-month month day-of-week). */
export type Frequency = 'weekdays' | 'daily' | 'weekly' | 'hourly' | 'workingHours' | 'custom';

export interface CronParts {
  frequency: Frequency;
  /** The time of day; for working hours, the first hour. */
  hour: number;
  minute: number;
  /** 0 = Sunday */
  weekday: number;
  /** Working hours: the last hour a run starts in (8 to 18 runs at 08:00, 09:00 … 18:00). */
  untilHour: number;
  /** Working hours: the days it runs on, 0 = Sunday, in ascending order. */
  workingDays: number[];
  custom: string;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Monday to Friday, the working days until a person says otherwise. */
export const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

/** The cron weekday field for `days` (as the API writes it): `*`, runs of three or more as ranges, e.g. "0-4", "1,3,5". */
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

/** The days a cron weekday field names ("1-5", "0,2-4", "*"), or undefined when it is anything else. */
export function parseWeekdays(field: string): number[] | undefined {
  if (field === '*') return EVERY_DAY;
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^([0-6])(?:-([0-6]))?$/.exec(part);
    if (!m) return undefined;
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (to < from) return undefined;
    for (let d = from; d <= to; d++) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

/** Days in words: "weekdays", "every day", "Sunday to Thursday", "Monday, Wednesday and Friday". */
export function daysInWords(days: readonly number[]): string {
  const field = cronWeekdays(days);
  if (field === '*') return 'every day';
  if (field === '1-5') return 'weekdays';
  const range = /^(\d)-(\d)$/.exec(field);
  if (range) return `${WEEKDAYS[Number(range[1])]} to ${WEEKDAYS[Number(range[2])]}`;
  const names = [...days].sort((a, b) => a - b).map((d) => WEEKDAYS[d]!);
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function buildCron(p: CronParts): string {
  switch (p.frequency) {
    case 'weekdays':
      return `${p.minute} ${p.hour} * * 1-5`;
    case 'daily':
      return `${p.minute} ${p.hour} * * *`;
    case 'weekly':
      return `${p.minute} ${p.hour} * * ${p.weekday}`;
    case 'hourly':
      return `${p.minute} * * * *`;
    case 'workingHours':
      return `${p.minute} ${p.hour}-${p.untilHour} * * ${cronWeekdays(p.workingDays)}`;
    default:
      return p.custom.trim();
  }
}

/** Reads a cron expression back into the builder's fields; anything unusual stays "custom". */
export function parseCron(expr: string | undefined): CronParts {
  const base: CronParts = {
    frequency: 'weekdays',
    hour: 8,
    minute: 0,
    weekday: 1,
    untilHour: 18,
    workingDays: MONDAY_TO_FRIDAY,
    custom: expr ?? '',
  };
  if (!expr) return base;
  const fields = expr.trim().split(/\s+/);
  const five = fields.length === 6 && fields[0] === '0' ? fields.slice(1) : fields;
  if (five.length !== 5) return { ...base, frequency: 'custom' };
  const [m, h, dom, mon, dow] = five as [string, string, string, string, string];
  const minute = Number(m);
  const hour = Number(h);
  if (!/^\d+$/.test(m) || dom !== '*' || mon !== '*') return { ...base, frequency: 'custom' };
  if (h === '*' && dow === '*') return { ...base, frequency: 'hourly', minute };
  const range = /^(\d+)-(\d+)$/.exec(h);
  const workingDays = parseWeekdays(dow);
  if (range && Number(range[1]) < Number(range[2]) && workingDays) {
    return {
      ...base,
      frequency: 'workingHours',
      hour: Number(range[1]),
      untilHour: Number(range[2]),
      minute,
      workingDays,
    };
  }
  if (!/^\d+$/.test(h)) return { ...base, frequency: 'custom' };
  if (dow === '1-5') return { ...base, frequency: 'weekdays', hour, minute };
  if (dow === '*') return { ...base, frequency: 'daily', hour, minute };
  if (/^[0-6]$/.test(dow)) return { ...base, frequency: 'weekly', hour, minute, weekday: Number(dow) };
  return { ...base, frequency: 'custom' };
}

/** The next `n` run times of `expr` in `timezone`, or an error sentence when the expression is not valid. */
export function nextRuns(expr: string, timezone: string, n = 5): { times: Date[]; error?: string } {
  if (!expr.trim()) return { times: [], error: 'Enter a schedule.' };
  try {
    const job = new Cron(expr, { timezone, paused: true });
    return { times: job.nextRuns(n) };
  } catch (err) {
    return { times: [], error: `That schedule is not valid: ${(err as Error).message}` };
  }
}

/** The shortest gap, in minutes, between the next runs of `expr` (what the plan's shortest interval is checked on). */
export function shortestGapMinutes(expr: string, timezone: string): number | undefined {
  const { times } = nextRuns(expr, timezone, 50);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++)
    shortest = Math.min(shortest, (times[i]!.getTime() - times[i - 1]!.getTime()) / 60_000);
  return Number.isFinite(shortest) ? Math.floor(shortest) : undefined;
}
