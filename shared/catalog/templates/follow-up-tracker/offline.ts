import type { AgentInput } from '../../types';
import { hoursBetween, senderName } from '../rules';
import type { FollowUpConfig, FollowUpOutput } from './schema';

/** Deterministic follow-ups: threads whose last message is the person's and older than `waitDays`. */
export function followUpOffline(input: AgentInput<FollowUpConfig>): FollowUpOutput {
  const me = input.account?.toLowerCase();
  return {
    followUps: input.threads.flatMap((thread) => {
      const last = thread.messages[thread.messages.length - 1];
      if (!last) return [];
      const mine = me ? last.from.email.toLowerCase() === me : last.labels.includes('SENT');
      const waitingDays = Math.floor(hoursBetween(last.date, input.now) / 24);
      if (!mine || waitingDays < input.config.waitDays || last.to.length === 0) return [];
      const name = senderName(last.to[0]!);
      return [
        {
          threadId: thread.id,
          waitingDays,
          nudge: `Hi ${name},\n\nJust following up on my message about "${thread.subject.replace(/^re:\s*/i, '')}" from ${waitingDays} days ago. Could you let me know where things stand?\n\nThanks!`,
          confidence: 0.6,
        },
      ];
    }),
  };
}
