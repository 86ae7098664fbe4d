import type { Suggestion, SuggestionSource } from '../api/types';

/** "Priya Shah" (or the address when there is no name); with `full`, "Priya Shah <priya@northwind.example>". */
export function sender(from: { name?: string; email: string }, full = false): string {
  if (!from.name) return from.email;
  return full ? `${from.name} <${from.email}>` : from.name;
}

const SOURCE_WORDS: Record<SuggestionSource['type'], string> = {
  message: 'Mail',
  thread: 'Conversation',
  event: 'Meeting',
  document: 'Document',
  page: 'Page',
  run: 'Run',
};

/** A source as the "Based on" list names it: "Mail from Priya Shah: Q3 budget", "Document: Q4 budget draft". */
export function sourceLabel(src: SuggestionSource): string {
  const what = src.type === 'message' && src.from ? `Mail from ${sender(src.from)}` : SOURCE_WORDS[src.type];
  return `${what}: ${src.title?.trim() || '(untitled)'}`;
}

/** The message a suggestion is about: the one a reply answers, otherwise its first message source. */
export function messageSourceOf(s: Suggestion): SuggestionSource | undefined {
  const answered = typeof s.payload.messageId === 'string' ? s.payload.messageId : undefined;
  return s.sources.find((src) => src.type === 'message' && (!answered || src.id === answered));
}

/** True when the suggestion answers one message the dialog can show beside the draft. */
export const answersMessage = (s: Suggestion): boolean =>
  (s.kind === 'email.reply' || s.kind === 'email.draft') && !!messageSourceOf(s);

/** Who the suggestion is about, for its list row: "Priya Shah", or "Priya Shah and 2 others" for several senders. */
export function sendersOf(s: Suggestion): string | undefined {
  const names = [
    ...new Set(s.sources.flatMap((src) => (src.type === 'message' && src.from ? [sender(src.from)] : []))),
  ];
  if (names.length === 0) return undefined;
  if (names.length === 1) return names[0];
  return `${names[0]} and ${names.length - 1 === 1 ? '1 other' : `${names.length - 1} others`}`;
}

const TEXT_FIELDS = ['body', 'content', 'notes', 'description'] as const;

/** The first words of what the suggestion would write (a draft's text, a document's content), on one line. */
export function firstWords(s: Suggestion, max = 120): string | undefined {
  for (const key of TEXT_FIELDS) {
    const value = s.payload[key];
    if (typeof value !== 'string' || !value.trim()) continue;
    const line = value.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, line.lastIndexOf(' ', max) + 1 || max).trimEnd()}…` : line;
  }
  return undefined;
}
