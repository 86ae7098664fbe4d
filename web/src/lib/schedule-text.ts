import type { Schedule } from '../api/types';
import { parseCron, WEEKDAYS } from './cron';

const pad = (n: number) => String(n).padStart(2, '0');

/** "Weekdays at 08:00 (Europe/Paris)" */
export function describeSchedule(schedule: Schedule | null | undefined): string {
  if (!schedule?.cron) return 'Runs when you ask';
  const p = parseCron(schedule.cron);
  const at = `${pad(p.hour)}:${pad(p.minute)}`;
  const zone = schedule.timezone ? ` (${schedule.timezone})` : '';
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
