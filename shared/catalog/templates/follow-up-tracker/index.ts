import type { Proposal } from '../../../suggestions/kinds';
import type { PerItemTemplate } from '../../types';
import { reSubject } from '../rules';
import { followUpOffline, waitingDaysOf, waitingThreads } from './offline';
import { FOLLOW_UP_INSTRUCTIONS, FOLLOW_UP_PROMPT_VERSION } from './prompt';
import { followUpConfig, followUpOutput, type FollowUpConfig, type FollowUpOutput } from './schema';
import { plural } from '../../../platform/words';

export const followUpTracker: PerItemTemplate<FollowUpConfig, FollowUpOutput, 'threads'> = {
  id: 'follow-up-tracker',
  name: 'Follow-up Tracker',
  description: 'Finds threads where you are waiting for an answer and proposes polite nudges.',
  families: [{ family: 'mail', required: true }],
  scopes: {
    google: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send'],
    microsoft: ['Mail.Read', 'Mail.Send'],
  },
  configSchema: followUpConfig,
  suggestionKinds: ['email.reply'],
  defaultModelClass: 'small',
  promptVersion: FOLLOW_UP_PROMPT_VERSION,
  needs: (config) => ({ threads: { lookbackHours: config.lookbackDays * 24, max: config.maxThreads, label: 'SENT' } }),
  generation: 'per-item',
  source: 'threads',
  choose: waitingThreads,
  task: {
    id: 'follow-up-tracker',
    promptVersion: FOLLOW_UP_PROMPT_VERSION,
    modelClass: 'small',
    instructions: FOLLOW_UP_INSTRUCTIONS,
    output: followUpOutput,
    sections: ({ item }) => [
      {
        kind: 'thread',
        id: item.id,
        attributes: { subject: item.subject },
        text: item.messages.map((m) => `${m.date.slice(0, 16)} ${m.from.email}: ${m.snippet.slice(0, 160)}`).join('\n'),
      },
    ],
    offline: followUpOffline,
  },
  merge: (outputs) => ({ followUps: outputs.flatMap((o) => o.followUps) }),
  propose(output, { input, connectors }) {
    const connectorId = connectors.mail;
    const thread = input.item;
    const last = thread.messages[thread.messages.length - 1];
    // Checked here, whatever the model said: the last message is the person's own, and old enough to chase.
    const waitingDays = waitingDaysOf(thread, input.account, input.now);
    if (!connectorId || !last || waitingDays === undefined || waitingDays < input.config.waitDays) return [];
    return output.followUps
      .filter((f) => f.threadId === thread.id && f.confidence >= 0.3)
      .slice(0, 1)
      .map((f): Proposal => ({
        kind: 'email.reply',
        payload: {
          connectorId,
          messageId: last.id,
          threadId: thread.id,
          // The people the person wrote to in their own last message, from its headers.
          to: last.to.map((a) => a.email).slice(0, 50),
          cc: [],
          subject: reSubject(thread.subject).slice(0, 998),
          body: f.nudge,
        },
        rationale: `No answer to "${thread.subject}" for ${plural(waitingDays, 'day', 'days')}.`.slice(0, 2000),
        sources: [{ type: 'thread', id: thread.id, title: thread.subject.slice(0, 500), connectorId }],
        confidence: f.confidence,
      }));
  },
  summarize: (output) => `${plural(output.followUps.length, 'thread is', 'threads are')} waiting for an answer.`,
};
