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
  /** Working hours: on weekdays only, or every day. */
  workingDays: 'weekdays' | 'everyDay';
  custom: string;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

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
      return `${p.minute} ${p.hour}-${p.untilHour} * * ${p.workingDays === 'weekdays' ? '1-5' : '*'}`;
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
    workingDays: 'weekdays',
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
  if (range && Number(range[1]) < Number(range[2]) && (dow === '1-5' || dow === '*')) {
    const workingDays = dow === '1-5' ? 'weekdays' : 'everyDay';
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
