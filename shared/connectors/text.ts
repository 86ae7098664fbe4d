import type { convert as ConvertFn } from 'html-to-text';

/** Longest text handed on from one message or document. */
const MAX_TEXT_CHARS = 20_000;

let converter: Promise<typeof ConvertFn> | undefined;

/** HTML to readable plain text (links kept as text, images and scripts dropped). */
export async function htmlToText(html: string): Promise<string> {
  converter ??= import('html-to-text').then((m) => m.convert);
  const convert = await converter;
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
    ],
  });
}

const QUOTE_MARKERS = [
  /^On .{1,200} wrote:\s*$/i,
  /^Le .{1,200} a écrit\s*:\s*$/i,
  /^Am .{1,200} schrieb .{0,200}:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From: .+$/,
];

/**
 * Removes quoted history from a reply: everything from the first "On … wrote:" / "Original Message" / Outlook
 * "From:" header block, and trailing ">"-quoted lines. Returns whether anything was cut.
 */
export function trimQuotedHistory(text: string): { text: string; trimmed: boolean } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const isOutlookHeader =
      /^From: .+$/.test(line) && lines.slice(i + 1, i + 5).some((l) => /^(Sent|Date|To|Subject): /i.test(l.trim()));
    if (isOutlookHeader || QUOTE_MARKERS.slice(0, 5).some((re) => re.test(line))) {
      // Never cut the whole message: a forwarded mail with only a header is still its content.
      if (lines.slice(0, i).some((l) => l.trim())) cut = i;
      break;
    }
  }
  let kept = lines.slice(0, cut);
  while (kept.length && (kept[kept.length - 1]!.trim() === '' || kept[kept.length - 1]!.trimStart().startsWith('>'))) {
    if (kept[kept.length - 1]!.trimStart().startsWith('>')) cut = Math.min(cut, kept.length - 1);
    kept = kept.slice(0, -1);
  }
  const trimmed = cut < lines.length && lines.slice(cut).some((l) => l.trim());
  return {
    text: kept
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
    trimmed,
  };
}

/** A safe text body: HTML converted, quoted history removed, length bounded. */
export async function safeBodyText(body: {
  text?: string | null;
  html?: string | null;
}): Promise<{ text: string; truncated: boolean }> {
  const raw = body.text?.trim() ? body.text : body.html ? await htmlToText(body.html) : '';
  const { text, trimmed } = trimQuotedHistory(raw);
  return bound(text, trimmed);
}

export function bound(text: string, already = false): { text: string; truncated: boolean } {
  if (text.length <= MAX_TEXT_CHARS) return { text, truncated: already };
  return { text: `${text.slice(0, MAX_TEXT_CHARS)}…`, truncated: true };
}

/** "Name <a@b.c>" / "a@b.c" to a structured address. */
export function parseAddress(value: string): { name?: string; email: string } {
  const match = value.match(/^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/);
  if (match) return { ...(match[1]!.trim() ? { name: match[1]!.trim() } : {}), email: match[2]!.trim() };
  return { email: value.trim() };
}

/** Splits an address list header on commas outside quotes. */
export function parseAddressList(value: string | undefined | null): { name?: string; email: string }[] {
  if (!value) return [];
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.filter((s) => s.trim()).map(parseAddress);
}

export const replySubject = (subject: string) =>
  /^re:/i.test(subject.trim()) ? subject.trim() : `Re: ${subject.trim()}`;
