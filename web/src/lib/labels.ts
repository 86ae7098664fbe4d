import type { Suggestion } from '../api/types';

export const KIND_LABELS: Record<string, string> = {
  'email.reply': 'Send a reply',
  'email.draft': 'Save a draft reply',
  'email.label': 'Label messages',
  'email.archive': 'Archive messages',
  'calendar.create': 'Create an event',
  'doc.create': 'Create a document',
  'notion.page': 'Create a Notion page',
  task: 'Add a task',
};

export const PROVIDER_LABELS: Record<string, string> = {
  google: 'Google (Gmail, Calendar, Drive)',
  microsoft: 'Microsoft (Outlook, Calendar, OneDrive)',
  notion: 'Notion',
};

export function providerName(provider: string): string {
  return PROVIDER_LABELS[provider]?.split(' (')[0] ?? provider;
}

/** One line a person recognises a suggestion by: the platform's own preview sentence, e.g. "Send a reply to ana@example.com". */
export function suggestionTitle(s: Suggestion): string {
  const p = s.payload ?? {};
  const subject = typeof p.subject === 'string' ? p.subject : typeof p.title === 'string' ? p.title : '';
  const action = s.preview?.action ?? KIND_LABELS[s.kind] ?? s.kind;
  return subject && !action.includes(subject) ? `${action}: ${subject}` : action;
}
