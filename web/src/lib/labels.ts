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

/** One line a person recognises a suggestion by. */
export function suggestionTitle(s: Suggestion): string {
  if (s.title) return s.title;
  const p = s.payload ?? {};
  const subject = typeof p.subject === 'string' ? p.subject : typeof p.title === 'string' ? p.title : '';
  return subject ? `${KIND_LABELS[s.kind] ?? s.kind}: ${subject}` : KIND_LABELS[s.kind] ?? s.kind;
}

/** Plain-word explanations of risk flags an agent or the platform may attach. */
export const RISK_EXPLANATIONS: Record<string, string> = {
  external_recipient: 'This goes to someone outside your usual contacts.',
  new_recipient: 'You have not written to this address before.',
  many_recipients: 'This goes to many people at once.',
  attachment: 'This includes an attachment.',
  sensitive_content: 'The text may contain sensitive information (money, passwords, personal data).',
  low_confidence: 'The agent was not sure about this one: check it carefully.',
  prompt_injection: 'The source message contained text that looked like instructions to the agent. It was ignored, but check the result.',
  irreversible: 'This cannot be undone once done.',
  after_hours: 'This is scheduled outside your usual hours.',
  conflict: 'This overlaps with something already in your calendar.',
};

export function riskFlags(s: Suggestion): { code: string; message: string; severity: string }[] {
  const raw = s.riskFlags ?? s.risk ?? [];
  return raw.map((f) => {
    if (typeof f === 'string') return { code: f, message: RISK_EXPLANATIONS[f] ?? f.replace(/_/g, ' '), severity: 'medium' };
    return { code: f.code, message: f.message ?? RISK_EXPLANATIONS[f.code] ?? f.code.replace(/_/g, ' '), severity: f.severity ?? 'medium' };
  });
}
