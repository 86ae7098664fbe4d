import { daysInWords, parseCron, parseWeekdays, WEEKDAYS } from './cron';
import { plural } from './plural';

const pad = (n: number) => String(n).padStart(2, '0');

/** "Weekdays at 08:00"; the zone is named only when it is not the person's own: "Weekdays at 08:00 (Europe/Paris)". */
export function describeSchedule(
  schedule: { cron: string; timezone: string } | null | undefined,
  personZone?: string,
): string {
  if (!schedule?.cron) return 'Runs when you ask';
  const zone = schedule.timezone && schedule.timezone !== personZone ? ` (${schedule.timezone})` : '';
  const fields = schedule.cron.trim().split(/\s+/);
  const [m, h, dom, mon, dow] = fields.length === 6 ? fields.slice(1) : fields;
  const range = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(h ?? '');
  const everyMinutes = /^\*\/(\d+)$/.exec(m ?? '');
  if (range && (/^\d+$/.test(m ?? '') || everyMinutes) && dom === '*' && mon === '*') {
    const named = parseWeekdays(dow ?? '');
    const days =
      dow === '1-5' ? ' on weekdays' : dow === '*' ? '' : named ? `, ${daysInWords(named)}` : ` (days ${dow})`;
    const step = Number(range[3] ?? 1);
    const minute = everyMinutes ? 0 : Number(m);
    const every = everyMinutes ? `Every ${everyMinutes[1]} minutes` : step === 1 ? 'Every hour' : `Every ${step} hours`;
    return `${every} from ${pad(Number(range[1]))}:${pad(minute)} to ${pad(Number(range[2]))}:${pad(everyMinutes ? 59 : minute)}${days}${zone}`;
  }
  const p = parseCron(schedule.cron);
  const at = `${pad(p.hour)}:${pad(p.minute)}`;
  switch (p.frequency) {
    case 'weekdays':
      return `Weekdays at ${at}${zone}`;
    case 'daily':
      return `Every day at ${at}${zone}`;
    case 'weekly':
      return `${WEEKDAYS[p.weekday]}s at ${at}${zone}`;
    case 'hourly':
      return `Every hour at :${pad(p.minute)}${zone}`;
    default:
      return `Schedule ${schedule.cron}${zone}`;
  }
}

/** "once an hour", "every 15 minutes", "every 2 hours", "once a day": how often a gap of `minutes` lets something run. */
export function intervalWords(minutes: number): string {
  if (minutes === 60) return 'once an hour';
  if (minutes === 24 * 60) return 'once a day';
  if (minutes % (24 * 60) === 0) return `every ${plural(minutes / (24 * 60), 'day', 'days')}`;
  if (minutes % 60 === 0) return `every ${plural(minutes / 60, 'hour', 'hours')}`;
  return minutes === 1 ? 'once a minute' : `every ${plural(minutes, 'minute', 'minutes')}`;
}
