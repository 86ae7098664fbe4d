import type { AgentInput } from '../../types';
import { NEWSLETTER, QUESTION, URGENT } from '../rules';
import type { TriageConfig, TriageOutput } from './schema';

/** Deterministic triage: sender and wording patterns. */
export function triageOffline(input: AgentInput<TriageConfig>): TriageOutput {
  return {
    items: input.mail.map((m) => {
      const text = `${m.subject} ${m.snippet} ${m.text ?? ''}`;
      const sender = `${m.from.email} ${m.from.name ?? ''}`;
      if (NEWSLETTER.test(sender) || /unsubscribe|newsletter/i.test(text)) {
        return {
          messageId: m.id,
          category: 'newsletter' as const,
          priority: 5,
          reason: 'Bulk or automated mail.',
          confidence: 0.8,
        };
      }
      if (URGENT.test(text)) {
        return {
          messageId: m.id,
          category: 'urgent' as const,
          priority: 1,
          reason: 'Asks for action soon.',
          confidence: 0.7,
        };
      }
      if (QUESTION.test(text)) {
        return {
          messageId: m.id,
          category: 'needs_reply' as const,
          priority: m.unread ? 2 : 3,
          reason: 'Contains a question or request.',
          confidence: 0.6,
        };
      }
      return { messageId: m.id, category: 'fyi' as const, priority: 4, reason: 'Informational.', confidence: 0.5 };
    }),
  };
}
