import { z } from 'zod';
import { intSetting } from './env';

/** Event triggers: how often watched sources are polled where no push notification arrives, and how many at once. */
export const eventSettings = z.object({
  /** Seconds between two looks at a watched source (mail, calendar, files) of one tenant. */
  EVENT_POLL_SECONDS: intSetting(60),
  /** Sources looked at in parallel by one poll tick. */
  EVENT_POLL_CONCURRENCY: intSetting(16),
  /** Sources taken by one poll tick; the rest are due at the next one. */
  EVENT_POLL_BATCH: intSetting(1000),
});

/**
 * The poll timer's NCRONTAB schedule, read when functions register: every `EVENT_POLL_SECONDS` when that divides a
 * minute, otherwise every minute (each source still waits its own interval through the poll index).
 */
export function pollTimerSchedule(env: Record<string, string | undefined> = process.env): string {
  const seconds = Number(env.EVENT_POLL_SECONDS || 60);
  return Number.isInteger(seconds) && seconds > 0 && seconds < 60 && 60 % seconds === 0
    ? `*/${seconds} * * * * *`
    : '0 * * * * *';
}
