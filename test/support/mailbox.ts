import type { AgentInput, AgentMail } from '../../shared/catalog/types';

/** A mailbox of `count` messages with a realistic mix (questions, urgent mail, newsletters, FYI). */
export function mailbox(count: number, now = Date.parse('2026-11-27T09:00:00Z')): AgentMail[] {
  const kinds = [
    {
      from: { name: 'Priya Shah', email: 'priya@northwind.example' },
      subject: 'Can you review the Q4 budget draft?',
      snippet: 'Hi, could you take a look at the attached budget before Friday? Let me know what you think.',
    },
    {
      from: { name: 'Ops Alerts', email: 'noreply@alerts.example' },
      subject: 'Weekly newsletter: product updates',
      snippet: 'Here is what shipped this week. Unsubscribe at any time.',
    },
    {
      from: { name: 'Marco Rossi', email: 'marco@contoso.example' },
      subject: 'URGENT: contract deadline today',
      snippet: 'We need the signed contract by end of day today, otherwise the offer lapses.',
    },
    {
      from: { name: 'Lena Weber', email: 'lena@fabrikam.example' },
      subject: 'Notes from yesterday',
      snippet: 'Sharing my notes from the workshop for reference. Nothing needed from you.',
    },
  ];
  return Array.from({ length: count }, (_, i) => {
    const k = kinds[i % kinds.length]!;
    return {
      id: `m${i + 1}`,
      threadId: `t${i + 1}`,
      subject: `${k.subject} #${i + 1}`,
      from: k.from,
      to: [{ email: 'me@example.com' }],
      cc: [],
      date: new Date(now - (i + 1) * 60_000).toISOString(),
      snippet: k.snippet,
      unread: i % 3 === 0,
      labels: ['INBOX'],
    };
  });
}

export function agentInput<C>(config: C, mail: AgentMail[], extra: Partial<AgentInput<C>> = {}): AgentInput<C> {
  return {
    now: '2026-11-27T09:00:00Z',
    timezone: 'Europe/Berlin',
    config,
    mail,
    threads: [],
    events: [],
    documents: [],
    previous: [],
    ...extra,
  };
}
