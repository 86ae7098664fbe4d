import type { AgentInput } from '../../types';
import { NEWSLETTER, QUESTION, URGENT, senderName } from '../rules';
import type { ReplyConfig, ReplyOutput } from './schema';

const OPENERS = {
  friendly: (name: string) => `Hi ${name},\n\nThanks for your message`,
  formal: (name: string) => `Dear ${name},\n\nThank you for your message`,
  brief: (name: string) => `Hi ${name},\n\nThanks`,
};

/** Which messages earlier steps marked as needing a reply (triage output), if any step did. */
function flaggedByPreviousSteps(input: AgentInput): Set<string> | undefined {
  for (const result of input.previous) {
    const items = (result.output as { items?: { messageId: string; category: string }[] })?.items;
    if (Array.isArray(items)) {
      return new Set(
        items.filter((i) => i.category === 'needs_reply' || i.category === 'urgent').map((i) => i.messageId),
      );
    }
  }
  return undefined;
}

/** Deterministic drafts: a polite acknowledgement for each message that asks something of the person. */
export function replyOffline(input: AgentInput<ReplyConfig>): ReplyOutput {
  const flagged = flaggedByPreviousSteps(input as AgentInput);
  const tone = input.config.tone ?? 'friendly';
  const candidates = input.mail.filter((m) => {
    if (m.from.email === input.account) return false;
    if (flagged) return flagged.has(m.id);
    const text = `${m.subject} ${m.snippet} ${m.text ?? ''}`;
    return !NEWSLETTER.test(`${m.from.email} ${m.from.name ?? ''}`) && (QUESTION.test(text) || URGENT.test(text));
  });
  return {
    replies: candidates.map((m) => {
      const body = [
        `${OPENERS[tone](senderName(m.from))} about "${m.subject.replace(/^re:\s*/i, '')}".`,
        tone === 'brief'
          ? "I'll get back to you shortly."
          : "I've read it and will get back to you with a full answer shortly.",
        input.config.signature ? `\n${input.config.signature}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      return { messageId: m.id, body, confidence: flagged ? 0.7 : 0.5 };
    }),
  };
}
