import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunView } from '../../shared/orchestration/run-model';
import { createAgent, importMail, startEventsWorld, type EventsWorld } from './support';

let w: EventsWorld;
let agentId: string;
before(async () => {
  // No polling during these tests: every run here is started by hand.
  w = await startEventsWorld({ pollSeconds: 3600 });
  agentId = await createAgent(w, { templateId: 'inbox-triage', name: 'Triage by hand' });
});
after(() => w.p.platform.stop());

async function runNow(): Promise<RunView> {
  const res = await w.p.json<{ runId: string }>('/orchestration/runs', {
    token: w.person.token,
    json: { agentId },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return (await w.p.finishedRun(w.person, res.body.runId, 60_000)) as RunView;
}

async function stageWatermark(position: string) {
  const container = await w.p.services.cosmos().container('eventState');
  const id = `watermark_${agentId}_${w.connectorId}_mail`;
  const { resource } = await container.item(id, w.person.tenantId).read<Record<string, unknown>>();
  assert.ok(resource, 'the agent has a mail watermark');
  await container.item(id, w.person.tenantId).replace({ ...resource, position });
}

describe('incremental runs', () => {
  test('the first run reads the look-back window; a second over an unchanged mailbox calls no model', async () => {
    const first = await runNow();
    assert.equal(first.status, 'completed');
    assert.ok(first.steps[0]!.itemCount > 1, 'the first run reads the window');
    assert.ok(first.tokens.prompt > 0, 'the first run asks the model');
    assert.ok(first.suggestionIds.length > 0, 'the first run proposes');

    const second = await runNow();
    assert.equal(second.status, 'completed');
    assert.equal(second.steps[0]!.summary, 'Nothing new since the last run.');
    assert.equal(second.steps[0]!.modelRequests, 0);
    assert.deepEqual(second.tokens, { prompt: 0, cached: 0, completion: 0 });
    assert.equal(second.costUsd, 0);
    assert.deepEqual(second.suggestionIds, []);
  });

  test('a run after new mail reads only the new mail and never proposes again about older mail', async () => {
    const before = await w.p.json<{ items: { id: string }[] }>('/suggestions?limit=100', { token: w.person.token });
    await importMail(w, {
      from: 'Marco Rossi <marco@contoso.example>',
      subject: 'URGENT: contract deadline today',
      text: 'We need the signed contract by end of day today, otherwise the offer lapses.',
    });
    const run = await runNow();
    assert.equal(run.status, 'completed');
    assert.equal(run.steps[0]!.itemCount, 1, 'only the new mail is read');
    const after = await w.p.json<{ items: { id: string }[] }>('/suggestions?limit=100', { token: w.person.token });
    const added = after.body.items.filter((s) => !before.body.items.some((b) => b.id === s.id)).map((s) => s.id);
    assert.deepEqual(added.sort(), [...run.suggestionIds].sort());
  });

  test('a position the mailbox no longer accepts falls back to the full window once, visibly', async () => {
    // A history id beyond the mailbox's own (as after a restore): the mailbox cannot answer from it.
    await stageWatermark('9'.repeat(30));
    const fallback = await runNow();
    assert.equal(fallback.status, 'completed');
    assert.ok(fallback.steps[0]!.itemCount > 1, 'the full window is read again');
    assert.deepEqual(fallback.suggestionIds, [], 'what was proposed before is not proposed again');

    const sync = await w.p.json<{ fallbacks: number; lastFallback: { agentId: string; source: string } | null }>(
      `/connectors/${w.connectorId}/sync`,
      { token: w.person.token },
    );
    assert.equal(sync.status, 200);
    assert.equal(sync.body.fallbacks, 1);
    assert.equal(sync.body.lastFallback?.agentId, agentId);
    assert.equal(sync.body.lastFallback?.source, 'mail');
    const audit = await w.p.json<{ items: { action: string }[] }>('/audit?limit=100', { token: w.person.token });
    assert.ok(audit.body.items.some((a) => a.action === 'agent.watermark.fallback'));

    const next = await runNow();
    assert.equal(next.steps[0]!.summary, 'Nothing new since the last run.', 'the fallback happens once');
    const again = await w.p.json<{ fallbacks: number }>(`/connectors/${w.connectorId}/sync`, {
      token: w.person.token,
    });
    assert.equal(again.body.fallbacks, 1);
  });

  test("another person's connector sync is not found", async () => {
    const other = await w.p.person(`other-${Date.now()}@example.com`, 'Other');
    const res = await w.p.json(`/connectors/${w.connectorId}/sync`, { token: other.token });
    assert.equal(res.status, 404);
  });
});
