/**
 * Timer triggers as the Functions host runs them: 6-field NCRONTAB schedules (`{second} {minute} {hour} {day}
 * {month} {day-of-week}`, day and day-of-week must both match) or a `hh:mm:ss` interval, evaluated in UTC unless
 * WEBSITE_TIME_ZONE (or TZ) names a time zone; `%SETTING%` in a schedule is replaced by the app setting.
 * `runOnStartup` fires once at start. The schedule status (last, next, lastUpdated) is kept in
 * `<data>/timers.json`; an occurrence missed while the runtime was down fires once at start with `isPastDue: true`.
 * A timer never overlaps itself: the next occurrence is scheduled when the running one has finished.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Cron } from 'croner';
import { expandSettings } from './app-config';
import type { FunctionsCore } from './functions-core';
import { invokeFunction, triggerOf } from './invoke';

interface ScheduleStatus {
  last: string;
  next: string;
  lastUpdated: string;
}

interface Schedule {
  next(after: Date): Date | undefined;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** Lateness beyond which an occurrence counts as past due. */
const PAST_DUE_MS = 1000;

export function parseSchedule(expression: string, timeZone: string | undefined): Schedule {
  const interval = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(expression.trim());
  if (interval) {
    const [, days, h, m, s] = interval;
    const ms = ((Number(days ?? 0) * 24 + Number(h)) * 3600 + Number(m) * 60 + Number(s)) * 1000;
    if (ms <= 0) throw new Error(`The timer interval "${expression}" must be longer than zero.`);
    return { next: (after) => new Date(after.getTime() + ms) };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `The timer schedule "${expression}" must have 6 fields: {second} {minute} {hour} {day} {month} {day-of-week}.`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), { mode: '6-part', domAndDow: true, paused: true, timezone: timeZone });
  } catch (err) {
    throw new Error(`The timer schedule "${expression}" is not valid NCRONTAB: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    cron.nextRun();
  } catch (err) {
    throw new Error(
      `The time zone "${timeZone}" (WEBSITE_TIME_ZONE or TZ) is not an IANA time zone: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return { next: (after) => cron.nextRun(after) ?? undefined };
}

export interface TimerHost {
  /** Fires runOnStartup and past-due timers, then keeps every schedule. */
  start(): Promise<void>;
  stop(): Promise<void>;
  describe(): string[];
}

export function createTimerHost(options: {
  core: FunctionsCore;
  settings: Record<string, string>;
  statusFile: string;
  log(message: string): void;
}): TimerHost {
  const { core, settings, log } = options;
  const timeZone = settings.WEBSITE_TIME_ZONE || settings.TZ || undefined;
  const status: Record<string, ScheduleStatus> = existsSync(options.statusFile)
    ? (JSON.parse(readFileSync(options.statusFile, 'utf8')) as Record<string, ScheduleStatus>)
    : {};
  const timers: { name: string; expression: string; schedule: Schedule; runOnStartup: boolean; useMonitor: boolean }[] =
    [];
  for (const fn of core.functions.values()) {
    const trigger = triggerOf(fn);
    if (trigger.type.toLowerCase() !== 'timertrigger') continue;
    const expression = expandSettings(String(trigger.binding.schedule ?? ''), settings);
    timers.push({
      name: fn.metadata.name,
      expression,
      schedule: parseSchedule(expression, timeZone),
      runOnStartup: trigger.binding.runOnStartup === true,
      useMonitor: trigger.binding.useMonitor !== false,
    });
  }
  const handles = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;

  function save(): void {
    mkdirSync(dirname(options.statusFile), { recursive: true });
    const tmp = `${options.statusFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(status, null, 2));
    renameSync(tmp, options.statusFile);
  }

  async function fire(timer: (typeof timers)[number], scheduledFor: Date, isPastDue: boolean): Promise<void> {
    const now = new Date();
    const next = timer.schedule.next(now);
    const previous = status[timer.name];
    const input = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: previous
        ? { Last: previous.last, Next: next?.toISOString() ?? previous.next, LastUpdated: previous.lastUpdated }
        : null,
      IsPastDue: isPastDue,
    };
    try {
      await invokeFunction(timer.name, { json: JSON.stringify(input) });
    } catch (err) {
      log(`Timer "${timer.name}" failed: ${(err as Error)?.stack ?? String(err)}`);
    }
    if (timer.useMonitor && next) {
      status[timer.name] = {
        last: scheduledFor.toISOString(),
        next: next.toISOString(),
        lastUpdated: new Date().toISOString(),
      };
      save();
    }
  }

  function run(timer: (typeof timers)[number], scheduledFor: Date, isPastDue: boolean): Promise<void> {
    const job = fire(timer, scheduledFor, isPastDue).finally(() => running.delete(job));
    running.add(job);
    return job;
  }

  function scheduleNext(timer: (typeof timers)[number]): void {
    if (stopped) return;
    const next = timer.schedule.next(new Date());
    if (!next) return;
    const arm = () => {
      const wait = next.getTime() - Date.now();
      const handle = setTimeout(
        () => {
          if (stopped) return;
          if (next.getTime() > Date.now()) return arm(); // long waits are chained
          const late = Date.now() - next.getTime() > PAST_DUE_MS;
          void run(timer, next, late).then(() => scheduleNext(timer));
        },
        Math.min(Math.max(wait, 0), MAX_TIMEOUT_MS),
      );
      handles.set(timer.name, handle);
    };
    arm();
  }

  return {
    async start() {
      for (const timer of timers) {
        const saved = status[timer.name];
        const missed = timer.useMonitor && saved && new Date(saved.next).getTime() < Date.now() - PAST_DUE_MS;
        if (missed) {
          log(`Timer "${timer.name}" missed ${saved!.next} while the runtime was down: running it now (past due).`);
          void run(timer, new Date(saved!.next), true).then(() => scheduleNext(timer));
        } else if (timer.runOnStartup) {
          void run(timer, new Date(), false).then(() => scheduleNext(timer));
        } else {
          if (timer.useMonitor && !saved) {
            const next = timer.schedule.next(new Date());
            if (next) {
              status[timer.name] = {
                last: new Date(0).toISOString(),
                next: next.toISOString(),
                lastUpdated: new Date().toISOString(),
              };
              save();
            }
          }
          scheduleNext(timer);
        }
      }
    },
    async stop() {
      stopped = true;
      for (const handle of handles.values()) clearTimeout(handle);
      await Promise.allSettled([...running]);
    },
    describe() {
      return timers.map(
        (t) =>
          `${t.name}: ${t.expression}${t.runOnStartup ? ' (runOnStartup)' : ''}${timeZone ? ` [${timeZone}]` : ''}`,
      );
    },
  };
}
