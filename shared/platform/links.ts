const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'()\]]+/gi;

/**
 * The web links in a text, as written. The one link scanner: risk checks compare what a proposal would send against
 * what its sources contain, so both sides must be scanned the same way.
 */
export function linksIn(text: string): string[] {
  return text.match(URL_PATTERN) ?? [];
}
