/**
 * What an OAuth scope lets the app do, in the words a person reads wherever permissions are shown: the pack consent
 * screen, the Connections page, a missing permission and the pack install page. The one mapping of scopes to words:
 * the API sends them with the scopes (the web app shows what it is sent), so a permission never reads two ways.
 */
const SCOPE_WORDS: [RegExp, string][] = [
  [/gmail\.readonly$|Mail\.Read$/i, 'Read your email'],
  [/gmail\.send$|Mail\.Send$/i, 'Send email as you (only what you approve)'],
  [/gmail\.compose$/i, 'Create drafts you approve'],
  [/gmail\.modify$|Mail\.ReadWrite$/i, 'Label and archive your email (only what you approve)'],
  [/gmail\.labels$/i, 'Manage your mail labels'],
  [/calendar\.freebusy$/i, 'See when you are free or busy'],
  [/calendar\.readonly$|calendar\.events\.readonly$|Calendars\.Read$/i, 'See your calendar'],
  [/calendar\.events$|auth\/calendar$|Calendars\.ReadWrite$/i, 'Add events to your calendar (only what you approve)'],
  [/drive\.readonly$|Files\.Read(\.All)?$/i, 'Read your files'],
  [/drive\.file$|Files\.ReadWrite(\.All)?$/i, 'Create documents you approve'],
  [/offline_access$/i, 'Stay connected while you are away'],
  [/User\.Read$|userinfo|^email$|^profile$|^openid$/i, 'Know who you are (name and email)'],
  [/read_content$/i, 'Read the Notion pages you share'],
  [/insert_content$|update_content$/i, 'Create Notion pages you approve'],
];

/** The plain-word label of a scope; one nobody has described yet still reads as words, never as a URL. */
export function scopeLabel(scope: string): string {
  const known = SCOPE_WORDS.find(([pattern]) => pattern.test(scope))?.[1];
  if (known) return known;
  const name = scope.replace(/^https?:\/\/[^/]+\/(auth\/)?/, '').replace(/[._]/g, ' ');
  return `Other access: ${name}`;
}

/** Labels of several scopes, each once, in the order first seen (three identity scopes read as one line). */
export function scopeLabels(scopes: readonly string[]): string[] {
  return [...new Set(scopes.map(scopeLabel))];
}
