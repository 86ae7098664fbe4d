import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/platform';
import {
  createAgent,
  importMail,
  launcherOf,
  pollEntry,
  runsOf,
  settledRuns,
  startEventsWorld,
  type EventsWorld,
} from './support';

let w: EventsWorld;
before(async () => {
  w = await startEventsWorld({ pollSeconds: 1 });
});
after(() => w.p.platform.stop());

describe('event triggers', () => {
  test('the catalog lists the event kinds with the connector family each needs', async () => {
    const res = await w.p.json<{ items: { on: string; families: string[]; filters: string[] }[] }>('/catalog/events', {
      token: w.person.token,
    });
    assert.equal(res.status, 200);
    const mail = res.body.items.find((k) => k.on === 'mail.received');
    assert.deepEqual(mail?.families, ['mail']);
    assert.deepEqual(mail?.filters, ['label', 'sender', 'senderDomain']);
    assert.deepEqual(res.body.items.find((k) => k.on === 'files.changed')?.filters, ['folderId']);
  });

  test('a trigger needs a connected account of its family, and a filter the kind takes', async () => {
    const other = await w.p.person(`nobody-${Date.now()}@example.com`, 'Nobody');
    const refused = await w.p.json<{ errors: { path: string }[] }>('/agents', {
      token: other.token,
      json: { templateId: 'inbox-triage', events: [{ on: 'mail.received' }] },
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.body.errors.map((e) => e.path),
      ['body.events[0].on'],
    );
    const wrongFilter = await w.p.json<{ errors: { path: string }[] }>('/agents', {
      token: w.person.token,
      json: { templateId: 'inbox-triage', events: [{ on: 'calendar.changed', filter: { sender: 'a@b.example' } }] },
    });
    assert.equal(wrongFilter.status, 400);
    assert.ok(wrongFilter.body.errors.some((e) => e.path === 'body.events[0].filter.sender'));
  });

  test('a new mail starts a run of the agent whose trigger matches, not of the one whose filter does not', async () => {
    const matching = await createAgent(w, {
      templateId: 'inbox-triage',
      name: 'Triage on new mail',
      events: [{ on: 'mail.received', filter: { senderDomain: 'northwind.example' } }],
    });
    const filtered = await createAgent(w, {
      templateId: 'inbox-triage',
      name: 'Only mail from the bank',
      events: [{ on: 'mail.received', filter: { sender: 'statements@bank.example' } }],
    });
    const view = await w.p.json<{ events: unknown[] }>(`/agents/${matching}`, { token: w.person.token });
    assert.deepEqual(view.body.events, [{ on: 'mail.received', filter: { senderDomain: 'northwind.example' } }]);
    // The poller has looked at the mailbox once (its starting point) before the mail arrives.
    await eventually(
      () => pollEntry(w, 'mail'),
      (e) => Boolean(e?.cursor),
      'the first look at the mailbox',
    );

    await importMail(w, {
      from: 'Priya Shah <priya@northwind.example>',
      subject: 'Can you review the Q4 budget draft?',
      text: 'Could you take a look at the budget before Friday? Let me know what you think.',
    });
    const [run] = await settledRuns(w, matching, 1);
    assert.equal(run!.trigger.type, 'event');
    assert.equal(run!.trigger.on, 'mail.received');
    assert.equal(run!.status, 'completed');
    assert.ok(run!.suggestionIds.length > 0, 'the run proposed something');
    const suggestion = await w.p.json<{ status: string }>(`/suggestions/${run!.suggestionIds[0]}`, {
      token: w.person.token,
    });
    assert.equal(suggestion.status, 200);
    assert.deepEqual(await runsOf(w, filtered), []);
  });

  test('a duplicated notification starts nothing twice', async () => {
    const agentId = await createAgent(w, {
      templateId: 'inbox-triage',
      name: 'Calendar watcher',
      events: [{ on: 'calendar.changed' }],
    });
    const change = {
      tenantId: w.person.tenantId,
      connectorId: w.connectorId,
      source: 'calendar' as const,
      dedupeKey: `test:${Date.now()}`,
    };
    const [first, second] = await Promise.all([
      w.p.services.changeSignals().signal(change, launcherOf(w)),
      w.p.services.changeSignals().signal(change, launcherOf(w)),
    ]);
    const outcomes = [first, second].sort((a) => (a.duplicate ? 1 : -1));
    assert.equal(outcomes[0]!.duplicate, false);
    assert.equal(outcomes[0]!.started.length, 1);
    assert.equal(outcomes[1]!.duplicate, true);
    assert.deepEqual(outcomes[1]!.started, []);
    await settledRuns(w, agentId, 1);
    assert.equal((await runsOf(w, agentId)).length, 1);
  });
});
