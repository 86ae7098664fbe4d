import type { ConnectorFamily, ConnectorHub } from '../connectors/types';
import { createHash } from 'node:crypto';
import { matchesFilter, type ChangeSource, type EventFilter } from './event-kinds';

export const familyOf = (source: ChangeSource): ConnectorFamily => source;

/** What the poller learns from one look at a source: whether anything changed since `cursor`, and the new cursor. */
export interface ProbeResult {
  changed: boolean;
  cursor: string;
}

/** Cheap looks at a connected account: "anything new since?" for the poller and the trigger filters. */
export interface ChangeProbe {
  /**
   * Whether the source changed since `cursor` (null: first look, which only sets the cursor). Mail and files: the
   * newest item's time; calendar: a fingerprint of the next four weeks' events from the start of the day (the
   * calendar contract offers no change feed).
   */
  probe(tenantId: string, connectorId: string, source: ChangeSource, cursor: string | null): Promise<ProbeResult>;
  /** True when an item changed since `since` passes the filter. */
  anyChangeMatches(
    tenantId: string,
    connectorId: string,
    source: ChangeSource,
    filter: EventFilter,
    since: Date,
  ): Promise<boolean>;
}

const PEEK = 50;
const CALENDAR_DAYS = 28;

export function createChangeProbe(deps: { connectors: () => ConnectorHub; now: () => Date }): ChangeProbe {
  const hub = () => deps.connectors();

  async function newestMailAt(tenantId: string, connectorId: string, since: string | undefined) {
    const mail = await hub().mail(tenantId, connectorId);
    const page = await mail.listMessages({ since, limit: 5 });
    return page.items
      .map((m) => m.date)
      .sort()
      .at(-1);
  }

  async function newestFileAt(tenantId: string, connectorId: string, since: string | undefined) {
    const files = await hub().files(tenantId, connectorId);
    const page = await files.listFiles({ modifiedSince: since, limit: 5 });
    return page.items
      .map((f) => f.modifiedAt)
      .sort()
      .at(-1);
  }

  async function calendarFingerprint(tenantId: string, connectorId: string) {
    const calendar = await hub().calendar(tenantId, connectorId);
    // Anchored at the start of the day (UTC), so events merely passing by do not count as changes.
    const from = new Date(deps.now());
    from.setUTCHours(0, 0, 0, 0);
    const page = await calendar.listEvents({
      from: from.toISOString(),
      to: new Date(from.getTime() + CALENDAR_DAYS * 86_400_000).toISOString(),
      limit: 100,
    });
    const shape = page.items.map((e) => [e.id, e.start, e.end, e.title, e.location ?? ''].join('|')).sort();
    return createHash('sha256').update(shape.join('\n')).digest('hex').slice(0, 32);
  }

  return {
    async probe(tenantId, connectorId, source, cursor) {
      if (source === 'calendar') {
        const fingerprint = await calendarFingerprint(tenantId, connectorId);
        return { changed: cursor !== null && fingerprint !== cursor, cursor: fingerprint };
      }
      const newest =
        source === 'mail'
          ? await newestMailAt(tenantId, connectorId, cursor ?? undefined)
          : await newestFileAt(tenantId, connectorId, cursor ?? undefined);
      // The first look only learns where the account stands (the newest item's time).
      if (cursor === null) return { changed: false, cursor: newest ?? new Date(0).toISOString() };
      return newest && newest > cursor ? { changed: true, cursor: newest } : { changed: false, cursor };
    },

    async anyChangeMatches(tenantId, connectorId, source, filter, since) {
      if (source === 'mail') {
        const mail = await hub().mail(tenantId, connectorId);
        const page = await mail.listMessages({ since: since.toISOString(), label: filter.label, limit: PEEK });
        return page.items.some(
          (m) =>
            m.date >= since.toISOString() &&
            matchesFilter(filter, {
              labels: filter.label ? [filter.label, ...m.labels] : m.labels,
              from: m.from.email,
            }),
        );
      }
      if (source === 'files') {
        const files = await hub().files(tenantId, connectorId);
        const page = await files.listFiles({ modifiedSince: since.toISOString(), folderId: filter.folderId, limit: 1 });
        return page.items.length > 0;
      }
      return true;
    },
  };
}
