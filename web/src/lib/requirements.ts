import type { Pack } from '../api/types';

/** The accounts a pack needs and the exact permissions (OAuth scopes) it asks for on each. */
export function packRequirements(pack: Pick<Pack, 'scopes'>): { provider: string; scopes: string[] }[] {
  return Object.entries(pack.scopes)
    .filter(([, scopes]) => scopes.length > 0)
    .map(([provider, scopes]) => ({ provider, scopes: [...scopes].sort() }));
}

const SCOPE_WORDS: [RegExp, string][] = [
  [/gmail\.readonly$|Mail\.Read$/i, 'Read your email'],
  [/gmail\.send$|Mail\.Send$/i, 'Send email you approve'],
  [/gmail\.compose$/i, 'Create drafts you approve'],
  [/gmail\.modify$|Mail\.ReadWrite$/i, 'Read, label and archive email (changes only when you approve)'],
  [/gmail\.labels$/i, 'Manage your mail labels'],
  [/calendar\.readonly$|calendar\.events\.readonly$|Calendars\.Read$/i, 'See your calendar'],
  [/calendar\.events$|auth\/calendar$|Calendars\.ReadWrite$/i, 'See your calendar and create events you approve'],
  [/drive\.readonly$|Files\.Read(\.All)?$/i, 'Read your files'],
  [/drive\.file$|Files\.ReadWrite(\.All)?$/i, 'Create documents you approve'],
  [/offline_access$/i, 'Stay connected while you are away'],
  [/User\.Read$|userinfo|^email$|^profile$|^openid$/i, 'Know who you are (name and email)'],
  [/read_content$/i, 'Read the Notion pages you share'],
  [/insert_content$|update_content$/i, 'Create Notion pages you approve'],
];

/** A plain-word meaning of an OAuth scope, shown next to the scope itself. */
export function scopeMeaning(scope: string): string | undefined {
  return SCOPE_WORDS.find(([pattern]) => pattern.test(scope))?.[1];
}
