import type { SuggestionSource } from '../../suggestions/kinds';

/** Small text heuristics shared by the offline rules of the built-in templates. */

export const NEWSLETTER =
  /(unsubscribe|newsletter|digest|no-?reply|noreply|marketing|promo|% off|sale ends|deal|webinar)/i;
export const URGENT = /\b(urgent|asap|immediately|today|deadline|overdue|eod|critical|action required)\b/i;
export const QUESTION =
  /(\?|\b(can you|could you|would you|please|let me know|are you|do you|when can|what do you think)\b)/i;

export function senderName(address: { name?: string; email: string }): string {
  const name = address.name?.trim();
  if (name) return name.split(/\s+/)[0]!;
  return address.email.split('@')[0]!;
}

/** Significant words (4+ letters, not common) of a text, lower-cased. */
export function keywords(text: string): Set<string> {
  const stop = new Set([
    'with',
    'from',
    'this',
    'that',
    'your',
    'about',
    'have',
    'will',
    'meeting',
    'call',
    'sync',
    'week',
    'weekly',
    'daily',
    're:',
    'fwd:',
  ]);
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9äöüéèàç]+/)
      .filter((w) => w.length >= 4 && !stop.has(w)),
  );
}

export function overlaps(a: Set<string>, b: Set<string>): boolean {
  for (const w of a) if (b.has(w)) return true;
  return false;
}

export function firstSentences(text: string, count: number, maxChars = 400): string {
  const sentences =
    text
      .replace(/\s+/g, ' ')
      .trim()
      .match(/[^.!?]+[.!?]?/g) ?? [];
  return sentences.slice(0, count).join(' ').trim().slice(0, maxChars);
}

export function reSubject(subject: string): string {
  return /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
}

export function hoursBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / 3_600_000;
}

/** A time of day in the person's zone, e.g. "09:30". */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

export function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(
    new Date(iso),
  );
}

/** A compact one-line view of a mail summary for data sections. */
export function mailAttributes(m: {
  from: { name?: string; email: string };
  subject: string;
  date: string;
  unread: boolean;
}) {
  return {
    from: m.from.name ? `${m.from.name} <${m.from.email}>` : m.from.email,
    subject: m.subject,
    date: m.date.slice(0, 16),
    unread: m.unread,
  };
}

/**
 * Who a reply to an incoming message goes to, from its headers only: the Reply-To addresses when the sender set
 * them, otherwise the sender.
 */
export function replyRecipients(message: { from: { email: string }; replyTo?: { email: string }[] }): string[] {
  const replyTo = (message.replyTo ?? []).map((a) => a.email).filter(Boolean);
  return replyTo.length > 0 ? replyTo.slice(0, 50) : [message.from.email];
}

/**
 * A message as a suggestion's source: its id and the few fields a person recognises it by (subject, sender, date),
 * kept on the suggestion for its list row. Never the body: the app reads that live from the account when shown.
 */
export function messageSource(
  message: { id: string; subject: string; from: { name?: string; email: string }; date: string },
  connectorId: string,
): SuggestionSource {
  const date = Date.parse(message.date);
  return {
    type: 'message',
    id: message.id,
    title: message.subject.slice(0, 500),
    connectorId,
    from: {
      ...(message.from.name ? { name: message.from.name.slice(0, 200) } : {}),
      email: message.from.email.slice(0, 320),
    },
    ...(Number.isNaN(date) ? {} : { date: new Date(date).toISOString() }),
  };
}
