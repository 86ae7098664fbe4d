import { createHash } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import type { Settings } from '../../platform/config';
import { vendorStatus } from '../provider-errors';
import type { CalendarEvent, CalendarProvider } from '../types';
import { clampLimit, googleClientOptions } from './google-client';

const RESPONSES = new Set(['accepted', 'declined', 'tentative', 'needsAction']);

function toEvent(e: calendar_v3.Schema$Event): CalendarEvent {
  const allDay = Boolean(e.start?.date && !e.start?.dateTime);
  const when = (t: calendar_v3.Schema$EventDateTime | undefined) => {
    if (t?.dateTime) return new Date(t.dateTime).toISOString();
    return t?.date ? `${t.date}T00:00:00.000Z` : '';
  };
  return {
    id: e.id!,
    title: e.summary ?? '(no title)',
    start: when(e.start),
    end: when(e.end),
    allDay,
    ...(e.start?.timeZone ? { timeZone: e.start.timeZone } : {}),
    ...(e.location ? { location: e.location } : {}),
    ...(e.description ? { description: e.description.slice(0, 5000) } : {}),
    ...(e.organizer?.email
      ? {
          organizer: {
            email: e.organizer.email,
            ...(e.organizer.displayName ? { name: e.organizer.displayName } : {}),
          },
        }
      : {}),
    attendees: (e.attendees ?? [])
      .filter((a) => a.email)
      .map((a) => ({
        email: a.email!,
        ...(a.displayName ? { name: a.displayName } : {}),
        ...(a.responseStatus && RESPONSES.has(a.responseStatus) ? { response: a.responseStatus as 'accepted' } : {}),
      })),
    ...(e.htmlLink ? { webLink: e.htmlLink } : {}),
  };
}

/** Event ids Google accepts (base32hex, 5-1024 chars): the same idempotency key always gives the same id. */
const eventIdFor = (key: string) => createHash('sha256').update(key).digest('hex');

/** Google Calendar (primary calendar) behind the calendar interface. */
export async function createGoogleCalendarProvider(
  settings: Settings,
  fetchImpl: typeof fetch,
): Promise<CalendarProvider> {
  const { calendar } = await import('@googleapis/calendar');
  const api = calendar({ version: 'v3', ...googleClientOptions(settings, fetchImpl) });
  const calendarId = 'primary';
  return {
    async listEvents(window) {
      const res = await api.events.list({
        calendarId,
        timeMin: new Date(window.from).toISOString(),
        timeMax: new Date(window.to).toISOString(),
        singleEvents: true,
        orderBy: 'startTime',
        maxResults: clampLimit(window.limit, 50, 250),
        pageToken: window.cursor,
        q: window.text,
      });
      return {
        items: (res.data.items ?? []).filter((e) => e.status !== 'cancelled').map(toEvent),
        nextCursor: res.data.nextPageToken ?? null,
      };
    },

    async freeBusy(from, to) {
      const res = await api.freebusy.query({
        requestBody: {
          timeMin: new Date(from).toISOString(),
          timeMax: new Date(to).toISOString(),
          items: [{ id: calendarId }],
        },
      });
      const calendars = res.data.calendars ?? {};
      const busy = calendars[calendarId]?.busy ?? Object.values(calendars)[0]?.busy ?? [];
      return busy
        .filter((b) => b.start && b.end)
        .map((b) => ({ start: new Date(b.start!).toISOString(), end: new Date(b.end!).toISOString() }));
    },

    async createEvent(event) {
      const requestBody: calendar_v3.Schema$Event = {
        ...(event.idempotencyKey ? { id: eventIdFor(event.idempotencyKey) } : {}),
        summary: event.title,
        start: { dateTime: event.start, timeZone: event.timeZone },
        end: { dateTime: event.end, timeZone: event.timeZone },
        attendees: (event.attendees ?? []).map((email) => ({ email })),
        ...(event.location ? { location: event.location } : {}),
        ...(event.description ? { description: event.description } : {}),
      };
      try {
        return toEvent((await api.events.insert({ calendarId, requestBody, sendUpdates: 'all' })).data);
      } catch (err) {
        // 409: an event with this idempotency key exists already: that is the one we created before.
        if (vendorStatus(err) === 409 && requestBody.id)
          return toEvent((await api.events.get({ calendarId, eventId: requestBody.id })).data);
        throw err;
      }
    },

    async deleteEvent(eventId) {
      try {
        await api.events.delete({ calendarId, eventId, sendUpdates: 'all' });
      } catch (err) {
        const status = vendorStatus(err);
        if (status !== 404 && status !== 410) throw err;
      }
    },
  };
}
