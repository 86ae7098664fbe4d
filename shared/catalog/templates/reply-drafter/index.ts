import type { Proposal } from '../../../suggestions/kinds';
import type { AgentTemplate } from '../../types';
import { mailAttributes, replyRecipients, reSubject } from '../rules';
import { replyOffline } from './offline';
import { REPLY_INSTRUCTIONS, REPLY_PROMPT_VERSION } from './prompt';
import { replyConfig, replyOutput, type ReplyConfig, type ReplyOutput } from './schema';

export const replyDrafter: AgentTemplate<ReplyConfig, ReplyOutput> = {
  id: 'reply-drafter',
  name: 'Reply Drafter',
  description: 'Drafts replies to mail that waits for your answer; nothing is sent until you approve.',
  families: [{ family: 'mail', required: true }],
  scopes: {
    google: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send'],
    microsoft: ['Mail.Read', 'Mail.Send'],
  },
  configSchema: replyConfig,
  suggestionKinds: ['email.reply'],
  defaultModelClass: 'large',
  promptVersion: REPLY_PROMPT_VERSION,
  needs: (config) => ({ mail: { lookbackHours: config.lookbackHours, max: config.maxMessages, withText: true } }),
  task: {
    id: 'reply-drafter',
    promptVersion: REPLY_PROMPT_VERSION,
    modelClass: 'large',
    instructions: REPLY_INSTRUCTIONS,
    output: replyOutput,
    sections: (input) => [
      ...input.previous.map((p) => ({
        kind: 'result',
        id: p.stepId,
        attributes: { agent: p.name },
        text: JSON.stringify(p.output).slice(0, 20_000),
      })),
      ...input.mail.map((m) => ({
        kind: 'mail',
        id: m.id,
        attributes: { ...mailAttributes(m), tone: input.config.tone },
        text: (m.text ?? m.snippet).slice(0, 4000),
      })),
    ],
    offline: replyOffline,
  },
  merge: (outputs) => ({ replies: outputs.flatMap((o) => o.replies) }),
  propose(output, { input, connectors }) {
    const connectorId = connectors.mail;
    if (!connectorId) return [];
    const byId = new Map(input.mail.map((m) => [m.id, m]));
    const proposals: Proposal[] = [];
    for (const reply of output.replies) {
      const message = byId.get(reply.messageId);
      if (!message || reply.confidence < 0.3) continue;
      proposals.push({
        kind: 'email.reply',
        payload: {
          connectorId,
          messageId: message.id,
          threadId: message.threadId,
          to: replyRecipients(message),
          cc: [],
          subject: reSubject(message.subject).slice(0, 998),
          body: reply.body,
        },
        rationale: `${message.from.name ?? message.from.email} is waiting for an answer to "${message.subject}".`.slice(
          0,
          2000,
        ),
        sources: [{ type: 'message', id: message.id, title: message.subject.slice(0, 500), connectorId }],
        confidence: reply.confidence,
      });
    }
    return proposals;
  },
  summarize: (output) => `${output.replies.length} reply draft(s).`,
};
