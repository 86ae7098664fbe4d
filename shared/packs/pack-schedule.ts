import { shortestIntervalMinutes } from '../schedules/schedule';
import { cronWeekdays, DEFAULT_WORKING_HOURS, workingHoursCron, type WorkingHours } from '../identity/working-hours';

/**
 * Pack schedules that are about the person's working time, not a fixed clock: the cron is derived from their working
 * hours when the pack is installed, and again when they change their hours (unless the schedule was edited since).
 */
export const WORKING_TIME_RULES = ['workingHours', 'beforeWorkingDay', 'endOfWorkingWeek'] as const;
export type WorkingTimeRule = (typeof WORKING_TIME_RULES)[number];

/**
 * When a pack's workflow runs, in the person's time zone: a fixed cron, or a working-time rule. `workingHours`: every
 * hour from the start to the end of the working day, on working days. `beforeWorkingDay`: an hour before the working
 * day starts, on working days. `endOfWorkingWeek`: two hours before the end of the last working day of the week.
 */
export type PackSchedule = { cron: string } | { follows: WorkingTimeRule };

/** The schedule a pack's workflow installs with on a plan, and whether the plan changed it. */
export interface PlanSchedule {
  cron: string;
  /** True when the pack's own schedule runs more often than the plan allows and a sparser one replaces it. */
  adjusted: boolean;
}

/**
 * Where the working week ends and starts again: the last working day before the longest break, and the first one
 * after it (Friday and Monday for Monday–Friday, Thursday and Sunday for Sunday–Thursday).
 */
function workingWeek(days: readonly number[]): { first: number; last: number } {
  let week = { first: days[0]!, last: days[days.length - 1]! };
  let longest = 0;
  for (const day of days) {
    let rest = 0;
    while (rest < 6 && !days.includes((day + rest + 1) % 7)) rest++;
    if (rest > longest) [week, longest] = [{ first: (day + rest + 1) % 7, last: day }, rest];
  }
  return week;
}

/** The pack's own schedule for a person with these working hours. */
export function packCron(schedule: PackSchedule, hours: WorkingHours = DEFAULT_WORKING_HOURS): string {
  if ('cron' in schedule) return schedule.cron;
  switch (schedule.follows) {
    case 'workingHours':
      return workingHoursCron(hours);
    case 'beforeWorkingDay':
      return `0 ${Math.max(0, hours.from - 1)} * * ${cronWeekdays(hours.days)}`;
    case 'endOfWorkingWeek':
      return `0 ${Math.max(hours.from, hours.until - 2)} * * ${workingWeek(hours.days).last}`;
  }
}

/** Minute steps that divide an hour evenly (a cron step that does not divide 60 leaves a short gap at the hour). */
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
/** A week, reckoned from a fixed Monday so the check does not depend on today's date. */
const CHECK_FROM = new Date('2026-01-05T00:00:00Z');

const fits = (cron: string, minIntervalMinutes: number) =>
  shortestIntervalMinutes({ cron, timezone: 'UTC' }, CHECK_FROM) >= minIntervalMinutes;

/**
 * The pack's schedule when it fits the plan's shortest interval; otherwise the plan's shortest interval during the
 * pack's own hours and weekdays (the person's working hours when it names none): "every hour, 8:00–18:00" on a plan
 * that allows every two hours becomes "every two hours, 8:00–18:00". The night between two working days is always
 * long enough.
 */
export function scheduleForPlan(
  cron: string,
  minIntervalMinutes: number,
  hours: WorkingHours = DEFAULT_WORKING_HOURS,
): PlanSchedule {
  if (fits(cron, minIntervalMinutes)) return { cron, adjusted: false };
  const fields = cron.trim().split(/\s+/);
  // Six fields start with seconds; the last three (day, month, weekday) are kept as the pack wrote them.
  const [hour = '*', day = '*', month = '*', weekday = '*'] = fields.slice(fields.length - 4);
  const range = /^\d{1,2}-\d{1,2}$/.test(hour) ? hour : `${hours.from}-${hours.until}`;
  const [from, to] = range.split('-').map(Number) as [number, number];
  const candidates: string[] = [];
  if (minIntervalMinutes < 60) {
    const step = MINUTE_STEPS.find((s) => s >= minIntervalMinutes) ?? 30;
    candidates.push(`*/${step} ${range} ${day} ${month} ${weekday}`);
  }
  const everyHours = Math.max(1, Math.ceil(minIntervalMinutes / 60));
  if (everyHours <= to - from) candidates.push(`0 ${range}/${everyHours} ${day} ${month} ${weekday}`);
  candidates.push(`0 ${from} ${day} ${month} ${weekday}`, `0 ${from} * * ${workingWeek(hours.days).first}`);
  const fitting = candidates.find((c) => fits(c, minIntervalMinutes));
  return { cron: fitting ?? `0 ${from} 1 * *`, adjusted: true };
}
