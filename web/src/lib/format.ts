/** Formatting in the person's own locale and time zone. */
let zone: string | undefined;

/** The 24-hour clock every time is shown with ("08:00", "18:30"). */
const CLOCK = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;

export function setDisplayTimeZone(timeZone: string | undefined): void {
  zone = timeZone && isValidTimeZone(timeZone) ? timeZone : undefined;
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True when times are shown in a zone other than this device's: they then carry the zone's name. */
function zoneDiffers(): boolean {
  return !!zone && zone !== browserTimeZone();
}

/**
 * One format for every date and time the app shows: day, short month, year and a 24-hour clock ("29 Nov 2026, 18:05",
 * in the person's language), as the emails and schedule descriptions say it; the zone's name is added when it is not
 * this device's.
 */
export function dateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...CLOCK,
    timeZone: zone,
    ...(zoneDiffers() ? { timeZoneName: 'short' as const } : {}),
  }).format(date);
}

/** "Mon 30 Nov, 09:00 EST": a coming run in the schedule's own zone, always named (it may not be the person's). */
export function runTime(value: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...CLOCK,
    timeZone,
    timeZoneName: 'short',
  }).format(value);
}

/** "15:04:05": a time within the next minutes, to the second. */
export function timeOfDay(value: string | number | Date): string {
  return new Intl.DateTimeFormat(undefined, {
    ...CLOCK,
    second: '2-digit',
    timeZone: zone,
    ...(zoneDiffers() ? { timeZoneName: 'short' as const } : {}),
  }).format(new Date(value));
}

export function relative(value: string | null | undefined, now = Date.now()): string {
  if (!value) return '—';
  const diff = new Date(value).getTime() - now;
  if (Number.isNaN(diff)) return '—';
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const digits = value > 0 && value < 1 ? 4 : 2;
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat().format(value);
}

/** "needs_reauth" -> "Needs reauth" */
export function humanize(value: string | null | undefined): string {
  if (!value) return '';
  const words = value.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
