/**
 * Text shaped like a secret this platform issues: emailed link tokens (approve, reject, unsubscribe), OAuth `state`
 * values, bearer tokens (JWTs). Such text must never reach a model, a log line or a snapshot: a model fooled by a
 * mail could otherwise copy a working approval link into a reply to the attacker. Scrubbing replaces each with a
 * short marker, keeping the rest of the text as it was.
 */

/** Our emailed link pages, whatever origin they were sent from: the whole URL goes. */
const LINK_URL = /\bhttps?:\/\/[^\s"'<>]*?\/api\/(?:approvals|notifications\/unsubscribe)\/[^\s"'<>)\]]*/gi;
/** Approval and unsubscribe tokens: `v1.<base64url claims>.<base64url HMAC-SHA256>`. */
const LINK_TOKEN = /\bv1\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** OAuth state: `<id>.<expiry seconds>.<provider>.<base64url HMAC-SHA256>`. */
const OAUTH_STATE = /\b[A-Za-z0-9_-]{16,}\.\d{9,11}\.(?:google|microsoft|notion)\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
/** JWTs (access, id and refresh tokens). */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;

const REMOVED_LINK = '[link removed]';
const REMOVED_SECRET = '[secret removed]';

/** The text with every platform secret replaced by a marker. */
export function scrubSecrets(text: string): string {
  return text
    .replace(LINK_URL, REMOVED_LINK)
    .replace(LINK_TOKEN, REMOVED_SECRET)
    .replace(OAUTH_STATE, REMOVED_SECRET)
    .replace(JWT, REMOVED_SECRET);
}

/** True when the text holds something shaped like a platform secret. */
export function holdsSecret(text: string): boolean {
  return scrubSecrets(text) !== text;
}

/** A copy of a JSON-like value with every string scrubbed. */
export function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrubSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)])) as T;
  }
  return value;
}
