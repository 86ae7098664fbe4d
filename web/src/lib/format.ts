/** Formatting in the person's own locale and time zone. */
let zone: string | undefined;

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

export function dateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  // One format for every date and time; the zone's name is added when it is not this device's.
  return new Intl.DateTimeFormat(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
    ...(zoneDiffers() ? { timeZoneName: 'short' as const } : {}),
  }).format(date);
}

/** "15:04:05": a time within the next minutes, to the second. */
export function timeOfDay(value: string | number | Date): string {
  return new Intl.DateTimeFormat(undefined, { timeStyle: zoneDiffers() ? 'long' : 'medium', timeZone: zone }).format(
    new Date(value),
  );
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
