import { createHash } from 'node:crypto';
import type { MailProvider, MailSummary } from '../connectors/types';
import type { WatermarkMark } from '../events/watermarks';
import { PositionExpiredError } from '../platform/errors';
import { mapLimited } from '../platform/pool';

/** What a step read of one source, where its watermark gets to, and whether anything was new. */
export interface IncrementalRead<T> {
  items: T[];
  to: WatermarkMark;
  changed: boolean;
  /** Set when the provider refused the saved position and the full window was read instead. */
  fellBack?: string;
}

/** A short, stable fingerprint of what was read (calendar windows, documents, threads). */
function fingerprintOf(parts: string[]): string {
  return createHash('sha256')
    .update([...parts].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
}

/** The fingerprinted read of a source without a change feed: changed unless it matches the mark. */
export function fingerprinted<T>(items: T[], parts: string[], mark: WatermarkMark | null): IncrementalRead<T> {
  const fingerprint = fingerprintOf(parts);
  return {
    items,
    to: { position: null, seenAt: null, fingerprint },
    changed: mark?.fingerprint !== fingerprint,
  };
}

const newest = (mail: MailSummary[], before: string | null) =>
  mail.reduce<string | null>((max, m) => (max === null || m.date > max ? m.date : max), before);

/**
 * New mail since the agent's mark: through the provider's change feed when it has one (Gmail history), otherwise
 * by time. With no mark (the first run), the look-back window. A position the provider refuses falls back to the
 * window once, and the new mark starts from the provider's position now.
 */
export async function readNewMail(
  mail: MailProvider,
  mark: WatermarkMark | null,
  query: { since: string; label?: string; max: number },
  collect: (since: string) => Promise<MailSummary[]>,
): Promise<IncrementalRead<MailSummary>> {
  const inLabel = (m: MailSummary) => m.labels.some((l) => l.toLowerCase() === (query.label ?? 'INBOX').toLowerCase());
  const feed = mail.changes;
  let fellBack: string | undefined;
  if (mark?.position && feed) {
    try {
      const added = await feed.addedSince(mark.position, query.max);
      const read = await mapLimited(added.messageIds, 5, (id) => mail.getMessage(id).catch(() => undefined));
      const items = read
        .filter((m): m is NonNullable<typeof m> => m !== undefined)
        .map(({ text: _t, truncated: _x, references: _r, ...summary }) => summary)
        .filter(inLabel);
      return {
        items,
        to: { position: added.position, seenAt: newest(items, mark.seenAt), fingerprint: null },
        changed: items.length > 0,
      };
    } catch (err) {
      if (!(err instanceof PositionExpiredError)) throw err;
      fellBack = err.detail;
    }
  }
  // Taken before the listing: mail arriving meanwhile is read again next time, never missed.
  const position = feed ? ((await feed.position()) ?? null) : null;
  if (mark?.seenAt && !fellBack && !(mark.position && feed)) {
    const items = (await collect(mark.seenAt)).filter((m) => m.date > mark.seenAt!);
    return {
      items,
      to: { position, seenAt: newest(items, mark.seenAt), fingerprint: null },
      changed: items.length > 0,
    };
  }
  const items = await collect(query.since);
  return {
    items,
    to: { position, seenAt: newest(items, mark?.seenAt ?? null), fingerprint: null },
    changed: true,
    ...(fellBack ? { fellBack } : {}),
  };
}
