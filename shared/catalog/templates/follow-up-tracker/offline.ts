import type { AgentInput, AgentThread, ItemChoice, ItemInput } from '../../types';
import { hoursBetween, senderName } from '../rules';
import type { FollowUpConfig, FollowUpOutput } from './schema';

/** How long the person has waited on a thread: undefined unless its last message is theirs (and has recipients). */
export function waitingDaysOf(thread: AgentThread, account: string | undefined, now: string): number | undefined {
  const last = thread.messages[thread.messages.length - 1];
  if (!last || last.to.length === 0) return undefined;
  const me = account?.toLowerCase();
  const mine = me ? last.from.email.toLowerCase() === me : last.labels.includes('SENT');
  return mine ? Math.floor(hoursBetween(last.date, now) / 24) : undefined;
}

/** Threads where the person wrote last and waited long enough: checked in code, before any model sees them. */
export function waitingThreads(input: AgentInput<FollowUpConfig>): ItemChoice {
  const ids = input.threads
    .filter((t) => (waitingDaysOf(t, input.account, input.now) ?? -1) >= input.config.waitDays)
    .map((t) => t.id);
  return { ids: new Set(ids), byEarlierSteps: false };
}

/** Deterministic follow-up: a polite nudge when the thread's last message is the person's and older than `waitDays`. */
export function followUpOffline(input: ItemInput<FollowUpConfig, AgentThread>): FollowUpOutput {
  const thread = input.item;
  const waitingDays = waitingDaysOf(thread, input.account, input.now);
  if (waitingDays === undefined || waitingDays < input.config.waitDays) return { followUps: [] };
  const name = senderName(thread.messages[thread.messages.length - 1]!.to[0]!);
  return {
    followUps: [
      {
        threadId: thread.id,
        waitingDays,
        nudge: `Hi ${name},\n\nJust following up on my message about "${thread.subject.replace(/^re:\s*/i, '')}" from ${waitingDays} days ago. Could you let me know where things stand?\n\nThanks!`,
        confidence: 0.6,
      },
    ],
  };
}
