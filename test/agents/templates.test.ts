import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATES } from '../../shared/catalog/templates';
import type { AgentInput, BatchTemplate, PerItemTemplate } from '../../shared/catalog/types';
import { proposalSchema } from '../../shared/suggestions/kinds';
import { agentInput, mailbox } from '../support/mailbox';
import { offlineRun, requestSections } from '../support/template-run';
import { itemInputs, proposalsOf } from '../../shared/catalog/per-item';

const NOW = '2026-11-27T09:00:00Z';

/** A person's day: mail, a sent thread waiting for an answer, two meetings, a document. */
function richInput(config: unknown): AgentInput {
  const mail = mailbox(12);
  return agentInput(config as Record<string, unknown>, mail, {
    now: NOW,
    account: 'me@example.com',
    threads: [
      {
        id: 'thr-wait',
        subject: 'Offer for the Q1 workshop',
        messages: [
          {
            ...mail[0]!,
            id: 'sent-1',
            threadId: 'thr-wait',
            from: { email: 'me@example.com' },
            to: [{ name: 'Priya Shah', email: 'priya@northwind.example' }],
            date: '2026-11-20T10:00:00Z',
            labels: ['SENT'],
          },
        ],
      },
      {
        id: 'thr-answered',
        subject: 'Lunch?',
        messages: [
          {
            ...mail[1]!,
            id: 'sent-2',
            threadId: 'thr-answered',
            from: { email: 'me@example.com' },
            to: [{ email: 'lena@fabrikam.example' }],
            date: '2026-11-20T10:00:00Z',
            labels: ['SENT'],
          },
          {
            ...mail[2]!,
            id: 'reply-2',
            threadId: 'thr-answered',
            from: { email: 'lena@fabrikam.example' },
            to: [{ email: 'me@example.com' }],
            date: '2026-11-21T10:00:00Z',
            labels: ['INBOX'],
          },
        ],
      },
    ],
    events: [
      {
        id: 'evt-budget',
        title: 'Q4 budget review',
        start: '2026-11-27T13:00:00Z',
        end: '2026-11-27T14:00:00Z',
        allDay: false,
        attendees: [{ name: 'Priya Shah', email: 'priya@northwind.example' }],
      },
      {
        id: 'evt-gym',
        title: 'Gym',
        start: '2026-11-27T17:00:00Z',
        end: '2026-11-27T18:00:00Z',
        allDay: false,
        attendees: [],
      },
    ],
    documents: [
      {
        id: 'doc-budget',
        name: 'Q4 budget draft',
        modifiedAt: NOW,
        text: 'The Q4 budget grows 4%. Travel is the largest increase.\n\n- Travel up 12%\n- Hiring frozen until March\n\nOpen question: the venue deposit.',
      },
    ],
  });
}

const connectors = { mail: 'google-1', calendar: 'google-1', files: 'google-1' };

describe('built-in templates', () => {
  for (const template of TEMPLATES) {
    it(`${template.name}: offline rules give schema-valid output and valid proposals of its kinds`, () => {
      const config = template.configSchema.parse({});
      const input = richInput(config);
      input.previous = template.coordinator
        ? [
            {
              stepId: 's1',
              agentId: 'a1',
              templateId: 'daily-digest',
              name: 'Weekly Digest',
              summary: '12 messages',
              output: {},
            },
            {
              stepId: 's2',
              agentId: 'a2',
              templateId: 'follow-up-tracker',
              name: 'Follow-ups',
              summary: '1 thread waiting',
              output: {},
            },
          ]
        : [];
      const { output, proposed: proposals } = offlineRun(template, input, connectors);
      assert.ok(proposals.length > 0, 'the demo day gives it something to propose');
      for (const proposal of proposals) {
        assert.ok(template.suggestionKinds.includes(proposal.kind), `${proposal.kind} is one of its kinds`);
        const check = proposalSchema.safeParse(proposal);
        assert.ok(check.success, JSON.stringify(check.error?.issues));
      }
      assert.ok(template.summarize(output).length > 0);
      const requests = requestSections(template, input);
      assert.ok(requests.flat().every((s) => s.id && s.kind));
      if (template.generation === 'per-item') {
        assert.ok(
          requests.every((sections) => sections.length === 1 && sections[0]!.id),
          'each request of a template whose text leaves the mailbox holds exactly one source item',
        );
      }
    });
  }

  it('follow-ups only for threads where the person wrote last and waited long enough', () => {
    const template = TEMPLATES.find((t) => t.id === 'follow-up-tracker')!;
    const input = richInput(template.configSchema.parse({ waitDays: 3 }));
    const { output } = offlineRun(template, input, connectors) as {
      output: { followUps: { threadId: string; waitingDays: number }[] };
    };
    assert.deepEqual(
      output.followUps.map((f) => [f.threadId, f.waitingDays]),
      [['thr-wait', 6]],
    );
  });

  it('a fooled model cannot make a follow-up chase a thread the person did not write last, or too early', () => {
    const template = TEMPLATES.find((t) => t.id === 'follow-up-tracker')!;
    const input = richInput(template.configSchema.parse({ waitDays: 3 }));
    const nudge = { waitingDays: 99, nudge: 'Pay now: https://evil.example/pay', confidence: 1 };
    const fooled = {
      followUps: [...input.threads.map((t) => ({ ...nudge, threadId: t.id })), { ...nudge, threadId: 'thr-made-up' }],
    };
    // The model is asked once per chosen thread; a fooled one answers every thread id it ever heard of, each time.
    const proposals = itemInputs(template as PerItemTemplate, input).flatMap((item) =>
      template.propose(fooled, { input: item as never, connectors: { mail: 'conn-1' } }),
    );
    assert.deepEqual(
      proposals.map((p) => p.sources[0]!.id),
      ['thr-wait'],
      'only the thread the person wrote last, six days ago; never an id it was not shown',
    );
    const [chase] = proposals as Extract<(typeof proposals)[number], { kind: 'email.reply' }>[];
    assert.deepEqual(chase!.payload.to, ['priya@northwind.example'], 'the people the person wrote to');
    assert.match(chase!.rationale, /for 6 day/, 'the wait is counted in code, not taken from the model');
  });

  it('meeting briefs link the mail and documents about the same topic or people', () => {
    const template = TEMPLATES.find((t) => t.id === 'meeting-prep')!;
    const { output } = offlineRun(template, richInput(template.configSchema.parse({})), connectors) as {
      output: {
        briefs: { eventId: string; relatedMessageIds: string[]; relatedDocumentIds: string[] }[];
      };
    };
    const budget = output.briefs.find((b) => b.eventId === 'evt-budget')!;
    assert.ok(budget.relatedMessageIds.includes('m1'), 'mail from an attendee');
    assert.deepEqual(budget.relatedDocumentIds, ['doc-budget']);
    const gym = output.briefs.find((b) => b.eventId === 'evt-gym')!;
    assert.deepEqual(gym.relatedDocumentIds, []);
  });

  it('a meeting brief names its mail and documents as the person knows them, and only those the run read', () => {
    const template = TEMPLATES.find((t) => t.id === 'meeting-prep')! as BatchTemplate;
    const input = richInput(template.configSchema.parse({}));
    const m1 = input.mail.find((m) => m.id === 'm1')!;
    const fooled = {
      briefs: [
        {
          eventId: 'evt-budget',
          summary: 'Budget review with Priya.',
          talkingPoints: ['Travel'],
          relatedMessageIds: ['m1', 'm-made-up'],
          relatedDocumentIds: ['doc-budget', 'doc-made-up'],
        },
      ],
    };
    const [brief] = template.propose(fooled, { input, connectors });
    assert.deepEqual(
      brief!.sources.map((src) => [src.type, src.id, src.title, src.connectorId]),
      [
        ['event', 'evt-budget', 'Q4 budget review', 'google-1'],
        ['message', 'm1', m1.subject, 'google-1'],
        ['document', 'doc-budget', 'Q4 budget draft', 'google-1'],
      ],
    );
    assert.deepEqual(brief!.sources[1]!.from, m1.from, 'the mail is named by its sender too');
  });

  it('reply drafts follow an earlier triage step when there is one', () => {
    const template = TEMPLATES.find((t) => t.id === 'reply-drafter')!;
    const input = richInput(template.configSchema.parse({}));
    input.previous = [
      {
        stepId: 's1',
        agentId: 'a',
        templateId: 'inbox-triage',
        name: 'Triage',
        summary: '',
        output: { items: [{ messageId: 'm4', category: 'needs_reply' }] },
      },
    ];
    const { output } = offlineRun(template, input, connectors) as { output: { replies: { messageId: string }[] } };
    assert.deepEqual(
      output.replies.map((r) => r.messageId),
      ['m4'],
    );
    assert.deepEqual(
      requestSections(template, input).map((sections) => sections.map((s) => [s.id, s.attributes?.picked])),
      [[['m4', true]]],
      'one request, for the message triage picked; the triage result itself never reaches the prompt',
    );
  });

  it('a reply goes to the Reply-To addresses when the sender set them, otherwise to the sender', () => {
    const template = TEMPLATES.find((t) => t.id === 'reply-drafter')!;
    const [plain, redirected] = mailbox(3).filter((m) => m.subject.startsWith('Can you review') || m.id === 'm3');
    const input = richInput(template.configSchema.parse({}));
    input.mail = [plain!, { ...redirected!, replyTo: [{ email: 'contracts@contoso.example' }] }];
    const output = { replies: input.mail.map((m) => ({ messageId: m.id, body: 'Thanks!', confidence: 0.9 })) };
    const recipients = proposalsOf(
      template,
      {
        generation: 'per-item',
        answers: itemInputs(template as PerItemTemplate, input).map((i) => ({ output, input: i })),
      },
      input,
      connectors,
    ).proposed.map((p) => (p as Extract<typeof p, { kind: 'email.reply' }>).payload.to);
    assert.deepEqual(recipients, [['priya@northwind.example'], ['contracts@contoso.example']]);
  });

  it('config schemas reject unknown and out-of-range settings', () => {
    for (const template of TEMPLATES) {
      assert.equal(template.configSchema.safeParse({ surprise: true }).success, false, template.id);
    }
  });
});
