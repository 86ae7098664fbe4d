import { Cron } from 'croner';
import { z } from 'zod';

/** A recurring schedule in the person's IANA time zone: 5-field cron (min hour dom month dow) or 6 with seconds. */
export interface Schedule {
  cron: string;
  timezone: string;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function compile(schedule: Schedule): Cron {
  return new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
}

export const scheduleSchema = z
  .object({
    cron: z.string().trim().min(9).max(120),
    timezone: z.string().trim().min(1).max(64).refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Berlin)'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!isTimeZone(value.timezone)) return;
    const fields = value.cron.split(/\s+/).length;
    if (fields !== 5 && fields !== 6) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: 'use 5 fields (minute hour day month weekday), or 6 with seconds first',
      });
      return;
    }
    try {
      if (!compile(value).nextRun())
        ctx.addIssue({ code: 'custom', path: ['cron'], message: 'this schedule never fires' });
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['cron'],
        message: `invalid cron expression: ${(err as Error).message}`.slice(0, 200),
      });
    }
  });

/** The first slot strictly after `after`, DST-correct in the schedule's zone; undefined when it never fires again. */
export function nextSlot(schedule: Schedule, after: Date): Date | undefined {
  return compile(schedule).nextRun(after) ?? undefined;
}

/** The shortest gap, in minutes, between the next few slots (checked against the tier's minimum interval). */
export function shortestIntervalMinutes(schedule: Schedule, from: Date): number {
  const runs = compile(schedule).nextRuns(50, from);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++)
    shortest = Math.min(shortest, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 60_000);
  return Number.isFinite(shortest) ? Math.floor(shortest) : 24 * 60;
}
