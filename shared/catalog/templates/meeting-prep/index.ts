import type { BatchTemplate } from '../../types';
import { localTime, mailAttributes, messageSource } from '../rules';
import { meetingPrepOffline } from './offline';
import { MEETING_PREP_INSTRUCTIONS, MEETING_PREP_PROMPT_VERSION } from './prompt';
import { meetingPrepConfig, meetingPrepOutput, type MeetingPrepConfig, type MeetingPrepOutput } from './schema';

export const meetingPrep: BatchTemplate<MeetingPrepConfig, MeetingPrepOutput> = {
  id: 'meeting-prep',
  name: 'Meeting Prep',
  description: 'Writes a brief for each upcoming meeting from related mail and documents.',
  families: [
    { family: 'calendar', required: true },
    { family: 'mail', required: false },
    { family: 'files', required: false },
  ],
  scopes: {
    google: [
      'https://www.googleapis.com/auth/calendar.readonly',
      'https://www.googleapis.com/auth/gmail.readonly',
      'https://www.googleapis.com/auth/drive.readonly',
    ],
    microsoft: ['Calendars.Read', 'Mail.Read', 'Files.Read'],
  },
  configSchema: meetingPrepConfig,
  suggestionKinds: ['task'],
  defaultModelClass: 'large',
  promptVersion: MEETING_PREP_PROMPT_VERSION,
  needs: (config) => ({
    calendar: { hoursAhead: config.hoursAhead, max: config.maxEvents },
    mail: { lookbackHours: config.mailLookbackHours, max: config.maxMessages },
    files: { ids: [], max: 10 },
  }),
  generation: 'batch',
  task: {
    id: 'meeting-prep',
    promptVersion: MEETING_PREP_PROMPT_VERSION,
    modelClass: 'large',
    instructions: MEETING_PREP_INSTRUCTIONS,
    output: meetingPrepOutput,
    sections: (input) => [
      ...input.events.map((e) => ({
        kind: 'event',
        id: e.id,
        attributes: {
          title: e.title,
          start: e.start,
          end: e.end,
          attendees: e.attendees.map((a) => a.email).join(', '),
        },
        text: (e.description ?? '').slice(0, 2000),
      })),
      ...input.mail.map((m) => ({
        kind: 'mail',
        id: m.id,
        attributes: mailAttributes(m),
        text: m.snippet.slice(0, 240),
      })),
      ...input.documents.map((d) => ({
        kind: 'document',
        id: d.id,
        attributes: { name: d.name },
        text: d.text.slice(0, 2000),
      })),
    ],
    offline: meetingPrepOffline,
  },
  propose(output, { input, connectors }) {
    const events = new Map(input.events.map((e) => [e.id, e]));
    // Only items the run read are named, with what the person knows them by; an id the model made up names nothing.
    const mail = new Map(input.mail.map((m) => [m.id, m]));
    const documents = new Map(input.documents.map((d) => [d.id, d]));
    const relatedMail = (ids: string[]) =>
      ids.flatMap((id) => {
        const message = mail.get(id);
        return message && connectors.mail ? [messageSource(message, connectors.mail)] : [];
      });
    const relatedDocuments = (ids: string[]) =>
      ids.flatMap((id) => {
        const doc = documents.get(id);
        return doc
          ? [{ type: 'document' as const, id, title: doc.name.slice(0, 500), connectorId: connectors.files }]
          : [];
      });
    return output.briefs.flatMap((brief) => {
      const event = events.get(brief.eventId);
      if (!event) return [];
      const notes = [brief.summary, '', ...brief.talkingPoints.map((p) => `- ${p}`)].join('\n').slice(0, 20_000);
      return [
        {
          kind: 'task' as const,
          payload: {
            title: `Prepare: ${event.title} (${localTime(event.start, input.timezone)})`.slice(0, 500),
            notes,
            due: event.start,
          },
          rationale: `Brief for "${event.title}".`.slice(0, 2000),
          sources: [
            {
              type: 'event' as const,
              id: event.id,
              title: event.title.slice(0, 500),
              connectorId: connectors.calendar,
            },
            ...relatedMail(brief.relatedMessageIds.slice(0, 20)),
            ...relatedDocuments(brief.relatedDocumentIds.slice(0, 20)),
          ],
        },
      ];
    });
  },
  summarize: (output) => `${output.briefs.length} meeting brief(s).`,
};
