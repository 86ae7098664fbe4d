import type { Proposal } from '../../../suggestions/kinds';
import type { AgentTemplate } from '../../types';
import { hoursBetween, reSubject } from '../rules';
import { followUpOffline } from './offline';
import { FOLLOW_UP_INSTRUCTIONS, FOLLOW_UP_PROMPT_VERSION } from './prompt';
import { followUpConfig, followUpOutput, type FollowUpConfig, type FollowUpOutput } from './schema';

export const followUpTracker: AgentTemplate<FollowUpConfig, FollowUpOutput> = {
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
  task: {
    id: 'follow-up-tracker',
    promptVersion: FOLLOW_UP_PROMPT_VERSION,
    modelClass: 'small',
    instructions: FOLLOW_UP_INSTRUCTIONS,
    output: followUpOutput,
    sections: (input) =>
      input.threads.map((t) => ({
        kind: 'thread',
        id: t.id,
        attributes: { subject: t.subject },
        text: t.messages.map((m) => `${m.date.slice(0, 16)} ${m.from.email}: ${m.snippet.slice(0, 160)}`).join('\n'),
      })),
    offline: followUpOffline,
  },
  propose(output, { input, connectors }) {
    const connectorId = connectors.mail;
    if (!connectorId) return [];
    const threads = new Map(input.threads.map((t) => [t.id, t]));
    const me = input.account?.toLowerCase();
    return output.followUps.flatMap((f): Proposal[] => {
      const thread = threads.get(f.threadId);
      const last = thread?.messages[thread.messages.length - 1];
      if (!thread || !last || last.to.length === 0 || f.confidence < 0.3) return [];
      // Checked here, whatever the model said: the last message is the person's own, and old enough to chase.
      const mine = me ? last.from.email.toLowerCase() === me : last.labels.includes('SENT');
      const waitingDays = Math.floor(hoursBetween(last.date, input.now) / 24);
      if (!mine || waitingDays < (input.config as FollowUpConfig).waitDays) return [];
      return [
        {
          kind: 'email.reply',
          payload: {
            connectorId,
            messageId: last.id,
            threadId: thread.id,
            to: last.to.map((a) => a.email).slice(0, 50),
            cc: [],
            subject: reSubject(thread.subject).slice(0, 998),
            body: f.nudge,
          },
          rationale: `No answer to "${thread.subject}" for ${waitingDays} day(s).`.slice(0, 2000),
          sources: [{ type: 'thread', id: thread.id, title: thread.subject.slice(0, 500), connectorId }],
          confidence: f.confidence,
        },
      ];
    });
  },
  summarize: (output) => `${output.followUps.length} thread(s) waiting for an answer.`,
};
