import { shortestIntervalMinutes } from '../schedules/schedule';

/** The schedule a pack's workflow installs with on a plan, and whether the plan changed it. */
export interface PlanSchedule {
  cron: string;
  /** True when the pack's own schedule runs more often than the plan allows and a sparser one replaces it. */
  adjusted: boolean;
}

/** Hours used when a pack's schedule names no simple range of hours of its own. */
const WORKING_HOURS = '8-18';
/** Minute steps that divide an hour evenly (a cron step that does not divide 60 leaves a short gap at the hour). */
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
/** A week, reckoned from a fixed Monday so the check does not depend on today's date. */
const CHECK_FROM = new Date('2026-01-05T00:00:00Z');

const fits = (cron: string, minIntervalMinutes: number) =>
  shortestIntervalMinutes({ cron, timezone: 'UTC' }, CHECK_FROM) >= minIntervalMinutes;

/**
 * The pack's schedule when it fits the plan's shortest interval; otherwise the plan's shortest interval during the
 * pack's own hours and weekdays (working hours when it names none): "every hour, 8:00–18:00" on a plan that allows
 * every two hours becomes "every two hours, 8:00–18:00". The night between two working days is always long enough.
 */
export function scheduleForPlan(cron: string, minIntervalMinutes: number): PlanSchedule {
  if (fits(cron, minIntervalMinutes)) return { cron, adjusted: false };
  const fields = cron.trim().split(/\s+/);
  // Six fields start with seconds; the last three (day, month, weekday) are kept as the pack wrote them.
  const [hour = '*', day = '*', month = '*', weekday = '*'] = fields.slice(fields.length - 4);
  const hours = /^\d{1,2}-\d{1,2}$/.test(hour) ? hour : WORKING_HOURS;
  const [from, to] = hours.split('-').map(Number) as [number, number];
  const candidates: string[] = [];
  if (minIntervalMinutes < 60) {
    const step = MINUTE_STEPS.find((s) => s >= minIntervalMinutes) ?? 30;
    candidates.push(`*/${step} ${hours} ${day} ${month} ${weekday}`);
  }
  const everyHours = Math.max(1, Math.ceil(minIntervalMinutes / 60));
  if (everyHours <= to - from) candidates.push(`0 ${hours}/${everyHours} ${day} ${month} ${weekday}`);
  candidates.push(`0 ${from} ${day} ${month} ${weekday}`, `0 ${from} * * 1`);
  const fitting = candidates.find((c) => fits(c, minIntervalMinutes));
  return { cron: fitting ?? `0 ${from} 1 * *`, adjusted: true };
}
