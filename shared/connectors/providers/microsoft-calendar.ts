import type { Settings } from '../../platform/config';
import { vendorStatus } from '../provider-errors';
import { htmlToText } from '../text';
import type { CalendarEvent, CalendarProvider } from '../types';
import { clampLimit } from './google-client';
import {
  createGraphClient,
  followNextLink,
  encodeNextLink,
  recipients,
  toAddress,
  utc,
  type GraphRecipient,
} from './graph-client';

interface GraphEvent {
  id: string;
  subject?: string;
  start?: { dateTime?: string; timeZone?: string };
  end?: { dateTime?: string; timeZone?: string };
  isAllDay?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  location?: { displayName?: string };
  body?: { contentType?: string; content?: string };
  bodyPreview?: string;
  organizer?: GraphRecipient;
  attendees?: (GraphRecipient & { status?: { response?: string } })[];
  webLink?: string;
  originalStartTimeZone?: string;
}

const RESPONSE: Record<string, 'accepted' | 'declined' | 'tentative' | 'needsAction'> = {
  accepted: 'accepted',
  organizer: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
  notResponded: 'needsAction',
  none: 'needsAction',
};

async function toEvent(e: GraphEvent): Promise<CalendarEvent> {
  const description = e.body?.content
    ? e.body.contentType?.toLowerCase() === 'html'
      ? await htmlToText(e.body.content)
      : e.body.content
    : e.bodyPreview;
  return {
    id: e.id,
    title: e.subject ?? '(no title)',
    start: utc(e.start),
    end: utc(e.end),
    allDay: Boolean(e.isAllDay),
    ...(e.originalStartTimeZone ? { timeZone: e.originalStartTimeZone } : {}),
    ...(e.location?.displayName ? { location: e.location.displayName } : {}),
    ...(description?.trim() ? { description: description.trim().slice(0, 5000) } : {}),
    ...(e.organizer?.emailAddress?.address ? { organizer: toAddress(e.organizer) } : {}),
    attendees: (e.attendees ?? [])
      .filter((a) => a.emailAddress?.address)
      .map((a) => ({
        ...toAddress(a),
        ...(a.status?.response && RESPONSE[a.status.response] ? { response: RESPONSE[a.status.response] } : {}),
      })),
    ...(e.webLink ? { webLink: e.webLink } : {}),
  };
}

/** Outlook calendar (default calendar) through Microsoft Graph behind the calendar interface. */
export async function createOutlookCalendarProvider(
  settings: Settings,
  fetchImpl: typeof fetch,
): Promise<CalendarProvider> {
  const client = await createGraphClient(settings, fetchImpl);

  const view = async (from: string, to: string, limit: number, cursor?: string) => {
    const res = cursor
      ? await followNextLink(cursor, settings, fetchImpl)
      : await client
          .api('/me/calendar/calendarView')
          .query({ startDateTime: new Date(from).toISOString(), endDateTime: new Date(to).toISOString() })
          .orderby('start/dateTime')
          .top(limit)
          .get();
    return { value: (res.value ?? []) as GraphEvent[], next: encodeNextLink(res['@odata.nextLink'], settings) };
  };

  return {
    async listEvents(window) {
      const { value, next } = await view(window.from, window.to, clampLimit(window.limit, 50, 250), window.cursor);
      let events = value.filter((e) => !e.isCancelled);
      if (window.text) {
        const needle = window.text.toLowerCase();
        events = events.filter((e) =>
          `${e.subject ?? ''} ${e.bodyPreview ?? ''} ${e.location?.displayName ?? ''}`.toLowerCase().includes(needle),
        );
      }
      return { items: await Promise.all(events.map(toEvent)), nextCursor: next };
    },

    async freeBusy(from, to) {
      const busy: { start: string; end: string }[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < settings.CONNECTOR_MAX_PAGES; pages++) {
        const { value, next } = await view(from, to, 100, cursor);
        for (const e of value) {
          if (e.isCancelled || e.showAs === 'free' || e.showAs === 'workingElsewhere') continue;
          busy.push({ start: utc(e.start), end: utc(e.end) });
        }
        if (!next) break;
        cursor = next;
      }
      return busy.sort((a, b) => a.start.localeCompare(b.start));
    },

    async createEvent(event) {
      const created = (await client.api('/me/calendar/events').post({
        subject: event.title,
        start: { dateTime: new Date(event.start).toISOString().replace(/Z$/, ''), timeZone: 'UTC' },
        end: { dateTime: new Date(event.end).toISOString().replace(/Z$/, ''), timeZone: 'UTC' },
        originalStartTimeZone: event.timeZone,
        attendees: recipients(event.attendees).map((r) => ({ ...r, type: 'required' })),
        ...(event.location ? { location: { displayName: event.location } } : {}),
        ...(event.description ? { body: { contentType: 'text', content: event.description } } : {}),
        // Graph treats a repeated transactionId as the same event (idempotent create).
        ...(event.idempotencyKey ? { transactionId: event.idempotencyKey.slice(0, 255) } : {}),
      })) as GraphEvent;
      return toEvent(created);
    },

    async deleteEvent(eventId) {
      try {
        await client.api(`/me/events/${encodeURIComponent(eventId)}`).delete();
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },
  };
}
