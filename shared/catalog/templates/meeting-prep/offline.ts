import type { AgentInput } from '../../types';
import { firstSentences, keywords, localTime, overlaps } from '../rules';
import type { MeetingPrepConfig, MeetingPrepOutput } from './schema';
import { plural } from '../../../platform/words';

/** Deterministic briefs: related mail and documents share a keyword with the title or come from an attendee. */
export function meetingPrepOffline(input: AgentInput<MeetingPrepConfig>): MeetingPrepOutput {
  return {
    briefs: input.events.map((event) => {
      const topic = keywords(`${event.title} ${event.description ?? ''}`);
      const people = new Set(event.attendees.map((a) => a.email.toLowerCase()));
      const mail = input.mail.filter(
        (m) => people.has(m.from.email.toLowerCase()) || overlaps(topic, keywords(m.subject)),
      );
      const docs = input.documents.filter((d) => overlaps(topic, keywords(`${d.name} ${d.text.slice(0, 500)}`)));
      const who =
        event.attendees
          .map((a) => a.name ?? a.email)
          .slice(0, 6)
          .join(', ') || 'no other attendees';
      return {
        eventId: event.id,
        summary: `${event.title} at ${localTime(event.start, input.timezone)} with ${who}. ${plural(mail.length, 'related message', 'related messages')}, ${plural(docs.length, 'related document', 'related documents')}.`,
        relatedMessageIds: mail.slice(0, 20).map((m) => m.id),
        relatedDocumentIds: docs.slice(0, 20).map((d) => d.id),
        talkingPoints: [
          ...mail.slice(0, 3).map((m) => `${m.from.name ?? m.from.email}: ${m.subject}`.slice(0, 300)),
          ...docs.slice(0, 2).map((d) => `${d.name}: ${firstSentences(d.text, 1, 200)}`.slice(0, 300)),
        ],
      };
    }),
  };
}
