import type { Proposal } from '../../../suggestions/kinds';
import type { PerItemTemplate } from '../../types';
import { mailAttributes, messageSource, replyRecipients, reSubject } from '../rules';
import { chosenByEarlierSteps, replyOffline } from './offline';
import { REPLY_INSTRUCTIONS, REPLY_PROMPT_VERSION } from './prompt';
import { replyConfig, replyOutput, type ReplyConfig, type ReplyOutput } from './schema';

export const replyDrafter: PerItemTemplate<ReplyConfig, ReplyOutput, 'mail'> = {
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
  generation: 'per-item',
  source: 'mail',
  choose: chosenByEarlierSteps,
  task: {
    id: 'reply-drafter',
    promptVersion: REPLY_PROMPT_VERSION,
    modelClass: 'large',
    instructions: REPLY_INSTRUCTIONS,
    output: replyOutput,
    sections: ({ item, config, pickedByEarlierStep }) => [
      {
        kind: 'mail',
        id: item.id,
        attributes: { ...mailAttributes(item), tone: config.tone, picked: pickedByEarlierStep || undefined },
        text: (item.text ?? item.snippet).slice(0, 4000),
      },
    ],
    offline: replyOffline,
  },
  merge: (outputs) => ({ replies: outputs.flatMap((o) => o.replies) }),
  propose(output, { input, connectors }) {
    const connectorId = connectors.mail;
    const message = input.item;
    if (!connectorId) return [];
    // Whatever id the model wrote, the reply answers the one message it was shown, to that message's headers.
    return output.replies
      .filter((reply) => reply.messageId === message.id && reply.confidence >= 0.3)
      .slice(0, 1)
      .map((reply): Proposal => ({
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
        sources: [messageSource(message, connectorId)],
        confidence: reply.confidence,
      }));
  },
  summarize: (output) => `${output.replies.length} reply draft(s).`,
};
