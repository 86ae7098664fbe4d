import { messageSource } from '../../shared/catalog/templates/rules';
import type { MailSummary } from '../../shared/connectors/types';
import type { Proposal } from '../../shared/suggestions/kinds';

/** A reply to `message` as an agent proposes it: to its sender, in its thread, with the message as its source. */
export function replyProposal(
  message: MailSummary,
  connectorId: string,
  body: string,
  rationale = 'They asked a question.',
): Proposal {
  return {
    kind: 'email.reply',
    payload: {
      connectorId,
      messageId: message.id,
      threadId: message.threadId,
      to: [message.from.email],
      cc: [],
      subject: `Re: ${message.subject}`,
      body,
    },
    rationale,
    sources: [messageSource(message, connectorId)],
  };
}
