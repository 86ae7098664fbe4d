import type { AgentInput, AgentMail, ItemChoice, ItemInput } from '../../types';
import { NEWSLETTER, QUESTION, URGENT, senderName } from '../rules';
import type { ReplyConfig, ReplyOutput } from './schema';

const OPENERS = {
  friendly: (name: string) => `Hi ${name},\n\nThanks for your message`,
  formal: (name: string) => `Dear ${name},\n\nThank you for your message`,
  brief: (name: string) => `Hi ${name},\n\nThanks`,
};

/** Which messages earlier steps marked as needing a reply (triage output), if any step did. */
export function chosenByEarlierSteps(input: AgentInput): ItemChoice | undefined {
  for (const result of input.previous) {
    const items = (result.output as { items?: { messageId: string; category: string }[] })?.items;
    if (Array.isArray(items)) {
      return {
        ids: new Set(
          items.filter((i) => i.category === 'needs_reply' || i.category === 'urgent').map((i) => i.messageId),
        ),
        byEarlierSteps: true,
      };
    }
  }
  return undefined;
}

/** Deterministic draft: a polite acknowledgement when the message asks something of the person. */
export function replyOffline(input: ItemInput<ReplyConfig, AgentMail>): ReplyOutput {
  const m = input.item;
  const tone = input.config.tone ?? 'friendly';
  const text = `${m.subject} ${m.snippet} ${m.text ?? ''}`;
  const wanted =
    m.from.email !== input.account &&
    (input.pickedByEarlierStep ||
      (!NEWSLETTER.test(`${m.from.email} ${m.from.name ?? ''}`) && (QUESTION.test(text) || URGENT.test(text))));
  if (!wanted) return { replies: [] };
  const body = [
    `${OPENERS[tone](senderName(m.from))} about "${m.subject.replace(/^re:\s*/i, '')}".`,
    tone === 'brief'
      ? "I'll get back to you shortly."
      : "I've read it and will get back to you with a full answer shortly.",
    input.config.signature ? `\n${input.config.signature}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { replies: [{ messageId: m.id, body, confidence: input.pickedByEarlierStep ? 0.7 : 0.5 }] };
}
