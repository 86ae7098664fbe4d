import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai';
import { eventually } from '../support/platform';
import { createAgent, importMail, launcherOf, pollEntry, runsOf, startEventsWorld, type EventsWorld } from './support';

let w: EventsWorld;
let model: FakeOpenAi;
before(async () => {
  // A model that can be held, so a run stays in flight while a burst arrives.
  model = await startFakeOpenAi();
  model.fallback = () => ({ content: JSON.stringify({ items: [] }), usage: { prompt: 100, completion: 10 } });
  w = await startEventsWorld({
    pollSeconds: 1,
    settings: { AI_PROVIDER: 'compatible', AI_BASE_URL: model.baseUrl, AI_API_KEY: 'test' },
  });
});
after(async () => {
  await w.p.platform.stop();
  await model.close();
});

const FINAL = ['completed', 'failed', 'cancelled', 'stopped'];

describe('bursts coalesce', () => {
  test('50 changes in a burst start one run, and exactly one follow-up for the changes during it', async () => {
    const agentId = await createAgent(w, {
      templateId: 'inbox-triage',
      name: 'Files watcher',
      events: [{ on: 'files.changed' }],
    });
    const answer = model.fallback;
    model.fallback = (body) => ({ ...answer(body), hold: true });
    const signal = (i: number) =>
      w.p.services
        .changeSignals()
        .signal(
          { tenantId: w.person.tenantId, connectorId: w.connectorId, source: 'files', dedupeKey: `burst-${i}` },
          launcherOf(w),
        );
    const first = await signal(0);
    assert.equal(first.started.length, 1, 'the first change starts a run');
    await eventually(
      async () => model.inFlight,
      (n) => n > 0,
      'the run to ask the model',
    );
    const results = await Promise.all(Array.from({ length: 49 }, (_, i) => signal(i + 1)));
    assert.equal(results.flatMap((r) => r.started).length, 0, 'no other run starts');
    assert.equal(results.flatMap((r) => r.coalesced).length, 49, 'the others wait for it');
    model.fallback = answer;
    model.release();
    const runs = await eventually(
      () => runsOf(w, agentId),
      (list) => list.length === 2 && list.every((r) => FINAL.includes(r.status)),
      'the run and its one follow-up',
      90_000,
    );
    assert.deepEqual(
      runs.map((r) => r.trigger.type),
      ['event', 'event'],
    );
    // The run's end is settled by its outcome event, a moment after the run shows as finished.
    await eventually(
      () =>
        w.p.json<{ inFlightRunId: string | null; followUpPending: boolean }>(`/triggers/agent/${agentId}`, {
          token: w.person.token,
        }),
      (status) => status.body.inFlightRunId === null && !status.body.followUpPending,
      'no run in flight and none to follow',
    );
  });

  test('a burst of 50 imported mails starts one run plus at most one follow-up, which read them all', async () => {
    const agentId = await createAgent(w, {
      templateId: 'inbox-triage',
      name: 'Triage bursts',
      events: [{ on: 'mail.received' }],
    });
    await eventually(
      () => pollEntry(w, 'mail'),
      (e) => Boolean(e?.cursor),
      'the first look at the mailbox',
    );
    // The agent's first run reads its look-back window: start from there.
    const first = await w.p.json<{ runId: string }>('/orchestration/runs', {
      token: w.person.token,
      json: { agentId },
    });
    await w.p.finishedRun(w.person, first.body.runId, 60_000);

    const importsStarted = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        importMail(w, {
          from: `Sender ${i} <sender${i}@burst.example>`,
          subject: `Question ${i} about the offsite`,
          text: 'Could you let me know by Friday?',
        }),
      ),
    );
    // Settled: the poller has seen the burst, no run is in flight and none is owed.
    await eventually(
      async () => ({
        entry: await pollEntry(w, 'mail'),
        status: (
          await w.p.json<{ inFlightRunId: string | null; followUpPending: boolean }>(`/triggers/agent/${agentId}`, {
            token: w.person.token,
          })
        ).body,
        runs: await runsOf(w, agentId),
      }),
      ({ entry, status, runs }) =>
        (entry?.cursor?.value ?? '') >= importsStarted &&
        status.inFlightRunId === null &&
        !status.followUpPending &&
        runs.some((r) => r.trigger.type === 'event') &&
        runs.every((r) => FINAL.includes(r.status)),
      'the burst to be handled',
      90_000,
    );
    const events = (await runsOf(w, agentId)).filter((r) => r.trigger.type === 'event');
    assert.ok(events.length >= 1 && events.length <= 2, `one run plus at most one follow-up, got ${events.length}`);
    assert.equal(
      events.reduce((n, r) => n + r.steps[0]!.itemCount, 0),
      50,
      'each new mail is read exactly once',
    );
  });
});
