// The plan's limit on event triggers: counted over the enabled agents and workflows of a tenant, refused in words
// (429 limit-exceeded) when a save would pass it, never when a save adds none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgent, startEventsWorld, type EventsWorld } from './support';

let w: EventsWorld;
before(async () => {
  w = await startEventsWorld({ pollSeconds: 3600, settings: { TIER_LIMITS: '{"free":{"eventTriggers":2}}' } });
});
after(() => w.p.platform.stop());

interface Problem {
  type: string;
  detail: string;
  limit: string;
  used: number;
  max: number;
}

const onMail = (sender?: string) => [{ on: 'mail.received', ...(sender ? { filter: { sender } } : {}) }];

describe('event trigger limit of the plan', () => {
  test('a free plan holds two triggers; a third is refused in words, the usage shows them', async () => {
    const first = await createAgent(w, { templateId: 'inbox-triage', name: 'First', events: onMail() });
    await createAgent(w, { templateId: 'inbox-triage', name: 'Second', events: [{ on: 'calendar.changed' }] });

    const third = await w.p.json<Problem>('/agents', {
      token: w.person.token,
      json: { templateId: 'inbox-triage', name: 'Third', events: onMail() },
    });
    assert.equal(third.status, 429);
    assert.match(third.body.type, /limit-exceeded$/);
    assert.equal(third.body.limit, 'eventTriggers');
    assert.equal(third.body.max, 2);
    assert.match(third.body.detail, /Your free plan allows 2 event triggers across your agents and workflows/);
    const names = await w.p.json<{ items: { name: string }[] }>('/agents', { token: w.person.token });
    assert.ok(!names.body.items.some((a) => a.name === 'Third'), 'the refused agent was not created');

    // A workflow's trigger counts too.
    const workflow = await w.p.json<Problem>('/workflows', {
      token: w.person.token,
      json: { name: 'Mail flow', mode: 'sequential', steps: [{ agentId: first }], events: onMail() },
    });
    assert.equal(workflow.status, 429);
    assert.equal(workflow.body.limit, 'eventTriggers');

    const usage = await w.p.json<{ limits: { eventTriggers: { used: number; max: number } } }>('/usage', {
      token: w.person.token,
    });
    assert.deepEqual(usage.body.limits.eventTriggers, { used: 2, max: 2, resetsAt: null });

    // Changing a trigger's filter adds none: allowed at the limit.
    const edited = await w.p.json(`/agents/${first}`, {
      method: 'PATCH',
      token: w.person.token,
      json: { events: onMail('boss@northwind.example') },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
  });

  test("a disabled agent's trigger does not count, and enabling it past the limit is refused", async () => {
    const agents = await w.p.json<{ items: { id: string; name: string }[] }>('/agents', { token: w.person.token });
    const first = agents.body.items.find((a) => a.name === 'First')!.id;
    const off = await w.p.json(`/agents/${first}`, {
      method: 'PATCH',
      token: w.person.token,
      json: { enabled: false },
    });
    assert.equal(off.status, 200);

    const replacement = await createAgent(w, { templateId: 'inbox-triage', name: 'Replacement', events: onMail() });
    assert.ok(replacement);

    const on = await w.p.json<Problem>(`/agents/${first}`, {
      method: 'PATCH',
      token: w.person.token,
      json: { enabled: true },
    });
    assert.equal(on.status, 429);
    assert.match(on.body.detail, /this change would make 3/);

    // On a plan that allows more, the same change is accepted.
    await w.p.services.tenants().setTier(w.person.tenantId, 'pro');
    const onPro = await w.p.json(`/agents/${first}`, {
      method: 'PATCH',
      token: w.person.token,
      json: { enabled: true },
    });
    assert.equal(onPro.status, 200, JSON.stringify(onPro.body));
  });
});
