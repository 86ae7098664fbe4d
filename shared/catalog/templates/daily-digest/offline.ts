import type { AgentInput } from '../../types';
import { NEWSLETTER, QUESTION, URGENT, localDate, localTime } from '../rules';
import type { DigestConfig, DigestOutput } from './schema';
import { plural } from '../../../platform/words';

/** Deterministic digest: the schedule, mail that asks for something, and the busiest senders. */
export function digestOffline(input: AgentInput<DigestConfig>): DigestOutput {
  const unread = input.mail.filter((m) => m.unread).length;
  const attention = input.mail.filter(
    (m) =>
      !NEWSLETTER.test(m.from.email) &&
      (URGENT.test(`${m.subject} ${m.snippet}`) || QUESTION.test(`${m.subject} ${m.snippet}`)),
  );
  const senders = new Map<string, number>();
  for (const m of input.mail)
    senders.set(m.from.name ?? m.from.email, (senders.get(m.from.name ?? m.from.email) ?? 0) + 1);
  const busiest = [...senders.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
  return {
    headline: `${localDate(input.now, input.timezone)}: ${plural(input.mail.length, 'new message', 'new messages')} (${unread} unread), ${plural(input.events.length, 'event', 'events')} ahead.`,
    sections: [
      {
        title: 'Schedule',
        bullets: input.events.slice(0, 20).map((e) => `${localTime(e.start, input.timezone)} ${e.title}`.slice(0, 400)),
      },
      {
        title: 'Needs attention',
        bullets: attention.slice(0, 20).map((m) => `${m.from.name ?? m.from.email}: ${m.subject}`.slice(0, 400)),
      },
      {
        title: 'Other mail',
        bullets: busiest.map(([who, n]) => `${who}: ${plural(n, 'message', 'messages')}`.slice(0, 400)),
      },
    ].filter((s) => s.bullets.length > 0),
  };
}
