import type { Proposal, SuggestionKind } from './kinds';

/**
 * Who a payload sends to or invites, as written (`to` and `cc` of an email, a meeting's attendees). Reads a payload
 * of any shape, so an edited payload not validated yet is read the same way as a proposal's.
 */
export function recipientsOf(kind: SuggestionKind, payload: object): string[] {
  const fields = payload as Record<string, unknown>;
  const list = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  switch (kind) {
    case 'email.reply':
    case 'email.draft':
      return [...list(fields.to), ...list(fields.cc)];
    case 'calendar.create':
      return list(fields.attendees);
    default:
      return [];
  }
}

/** The free text a suggestion sends or writes somewhere (a task's notes stay in the app). */
export function outboundText(proposal: Pick<Proposal, 'kind' | 'payload'>): string {
  const p = proposal as Proposal;
  switch (p.kind) {
    case 'email.reply':
    case 'email.draft':
      return `${p.payload.subject}\n${p.payload.body}`;
    case 'calendar.create':
      return [p.payload.title, p.payload.location ?? '', p.payload.description ?? ''].join('\n');
    case 'doc.create':
    case 'notion.page':
      return `${p.payload.title}\n${p.payload.content}`;
    default:
      return '';
  }
}
