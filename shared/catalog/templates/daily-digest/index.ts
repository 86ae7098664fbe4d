import type { BatchTemplate } from '../../types';
import { localDate, mailAttributes } from '../rules';
import { digestOffline } from './offline';
import { DIGEST_INSTRUCTIONS, DIGEST_PROMPT_VERSION } from './prompt';
import { digestConfig, digestOutput, type DigestConfig, type DigestOutput } from './schema';

function renderDigest(output: DigestOutput): string {
  return [output.headline, ...output.sections.flatMap((s) => ['', s.title, ...s.bullets.map((b) => `- ${b}`)])].join(
    '\n',
  );
}

export const dailyDigest: BatchTemplate<DigestConfig, DigestOutput> = {
  id: 'daily-digest',
  name: 'Daily Digest',
  description: "A short summary of the day's mail and calendar.",
  families: [
    { family: 'mail', required: true },
    { family: 'calendar', required: false },
  ],
  scopes: {
    google: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/calendar.readonly'],
    microsoft: ['Mail.Read', 'Calendars.Read'],
  },
  configSchema: digestConfig,
  suggestionKinds: ['task'],
  defaultModelClass: 'small',
  promptVersion: DIGEST_PROMPT_VERSION,
  needs: (config) => ({
    mail: { lookbackHours: config.lookbackHours, max: config.maxMessages },
    calendar: { hoursAhead: config.hoursAhead, max: 50 },
  }),
  generation: 'batch',
  task: {
    id: 'daily-digest',
    promptVersion: DIGEST_PROMPT_VERSION,
    modelClass: 'small',
    instructions: DIGEST_INSTRUCTIONS,
    output: digestOutput,
    sections: (input) => [
      ...input.events.map((e) => ({
        kind: 'event',
        id: e.id,
        attributes: { title: e.title, start: e.start },
        text: '',
      })),
      ...input.mail.map((m) => ({
        kind: 'mail',
        id: m.id,
        attributes: mailAttributes(m),
        text: m.snippet.slice(0, 160),
      })),
    ],
    offline: digestOffline,
  },
  propose(output, { input }) {
    return [
      {
        kind: 'task',
        payload: {
          title: `Daily digest, ${localDate(input.now, input.timezone)}`,
          notes: renderDigest(output).slice(0, 20_000),
        },
        rationale: output.headline.slice(0, 2000) || 'Your daily digest.',
        sources: [],
      },
    ];
  },
  summarize: (output) => output.headline,
};
