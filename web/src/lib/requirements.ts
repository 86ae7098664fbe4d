import type { PackRequirement } from '../api/types';

/**
 * The connectors and scopes a pack needs, as the pack document lists them: an array of `{ provider, scopes }`
 * (under `connectors` or `requirements`) or a map `{ provider: scopes[] }`.
 */
export function packRequirements(pack: Record<string, unknown> | undefined): PackRequirement[] {
  if (!pack) return [];
  const raw = pack.connectors ?? pack.requirements ?? pack.requiredConnectors ?? pack.scopes;
  if (Array.isArray(raw)) {
    return raw
      .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
      .map((r) => ({
        provider: String(r.provider ?? r.family ?? r.id ?? ''),
        scopes: Array.isArray(r.scopes) ? r.scopes.map(String) : [],
        reason: typeof r.reason === 'string' ? r.reason : typeof r.why === 'string' ? r.why : undefined,
      }));
  }
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([provider, scopes]) => ({
      provider,
      scopes: Array.isArray(scopes) ? scopes.map(String) : [],
    }));
  }
  return [];
}

const SCOPE_WORDS: [RegExp, string][] = [
  [/gmail\.readonly|Mail\.Read$/i, 'Read your email'],
  [/gmail\.send|Mail\.Send/i, 'Send email you approve'],
  [/gmail\.compose/i, 'Create drafts you approve'],
  [/gmail\.modify|Mail\.ReadWrite/i, 'Label and archive email you approve'],
  [/gmail\.labels/i, 'Manage your mail labels'],
  [/calendar\.readonly|Calendars\.Read$/i, 'See your calendar'],
  [/calendar\.events|calendar$|Calendars\.ReadWrite/i, 'Create events you approve'],
  [/drive\.readonly|Files\.Read/i, 'Read your files'],
  [/drive\.file|Files\.ReadWrite/i, 'Create documents you approve'],
  [/offline_access/i, 'Stay connected while you are away'],
  [/User\.Read|userinfo|email|profile|openid/i, 'Know who you are (name and email)'],
  [/notion|read_content/i, 'Read the Notion pages you share'],
  [/insert_content|update_content/i, 'Create Notion pages you approve'],
];

/** A plain-word meaning of an OAuth scope, shown next to the scope itself. */
export function scopeMeaning(scope: string): string | undefined {
  return SCOPE_WORDS.find(([pattern]) => pattern.test(scope))?.[1];
}
