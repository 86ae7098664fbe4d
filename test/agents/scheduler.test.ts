import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSchedulerTick, type TickReport } from '../../shared/orchestration/scheduler';
import type { OrchestrationStarter } from '../../shared/orchestration/run-service';
import { durableStarter } from '../../shared/orchestration/durable-starter';
import { TERMINAL, type RunDoc } from '../../shared/orchestration/run-model';
import { startTestPlatform, type TestPlatform, type Person } from '../support/platform';

let p: TestPlatform;
let dan: Person;
let starts: string[];
let tick: (at: string) => Promise<TickReport>;

before(async () => {
  p = await startTestPlatform();
  dan = await p.person('dan@schedules.test', 'Dan');
  await p.connectGoogle(dan);
  const real = durableStarter(p.durableClient());
  starts = [];
  const starter: OrchestrationStarter = {
    async start(instanceId, input) {
      starts.push(instanceId);
      await real.start(instanceId, input);
    },
  };
  const platform = p.services;
  // The scheduler function's work at an injected instant (the timer passes the clock's now).
  tick = (at) =>
    runSchedulerTick(
      { schedules: platform.schedules, runs: platform.runs, audit: p.services.audit, starter, catchUpMinutes: 60 },
      new Date(at),
    );
});
after(() => p.platform.stop());

const slotsOf = async (agentId: string) => {
  const runs = await p.json(`/orchestration/runs?agentId=${agentId}&limit=100`, { token: dan.token });
  return runs.body.items.map((r: any) => r.trigger.slot).sort();
};

test('a daily 09:00 New York schedule fires once per slot across the DST change, even with overlapping timer invocations', async () => {
  // March 2027 only, so the runtime's own once-a-minute timer never finds it due while the test runs.
  const agent = await p.json('/agents', {
    method: 'POST',
    token: dan.token,
    json: { templateId: 'daily-digest', schedule: { cron: '0 9 * 3 *', timezone: 'America/New_York' } },
  });
  assert.equal(agent.status, 201);
  assert.equal(agent.body.nextRunAt, '2027-03-01T14:00:00.000Z', '09:00 EST');
  const id = agent.body.id;

  // After downtime, the missed slots of March 1-12 collapse into the latest one, which is recent enough to run.
  const first = await tick('2027-03-13T14:00:20Z');
  assert.equal(first.started.length, 1);
  assert.deepEqual(await slotsOf(id), ['2027-03-13T14:00:00.000Z']);
  const entry = await p.services.schedules().get(dan.tenantId, 'agent', id);
  assert.equal(
    entry?.nextRunAt,
    '2027-03-14T13:00:00.000Z',
    'clocks moved forward on March 14: 09:00 EDT is 13:00 UTC',
  );

  assert.equal((await tick('2027-03-14T12:59:00Z')).started.length, 0, 'not due yet');

  // Two timer invocations at once, and a late one in the same minute: one run for the slot.
  const overlapping = await Promise.all([
    tick('2027-03-14T13:00:05Z'),
    tick('2027-03-14T13:00:05Z'),
    tick('2027-03-14T13:00:50Z'),
  ]);
  assert.equal(
    overlapping.reduce((n, r) => n + r.started.length, 0),
    1,
  );
  assert.deepEqual(await slotsOf(id), ['2027-03-13T14:00:00.000Z', '2027-03-14T13:00:00.000Z']);
  assert.equal(starts.filter((s) => s.includes(id)).length, 2, 'one orchestration per slot');

  // The scheduled runs really ran (deterministic instance ids carry the tenant).
  const runs = await p.json(`/orchestration/runs?agentId=${id}`, { token: dan.token });
  for (const run of runs.body.items) {
    const done = await p.finishedRun(dan, run.id);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.equal(done.trigger.type, 'schedule');
  }
  assert.ok(starts.every((s) => s.startsWith(`run:${dan.tenantId}:`)));
});

test('a slot missed by more than the catch-up window is skipped, audited, and the schedule moves on', async () => {
  const agent = await p.json('/agents', {
    method: 'POST',
    token: dan.token,
    json: { templateId: 'follow-up-tracker', schedule: { cron: '30 8 * 3 *', timezone: 'Europe/Berlin' } },
  });
  const id = agent.body.id;
  const report = await tick('2027-03-02T12:00:00Z');
  assert.equal(report.started.filter((r) => r.includes(id)).length, 0);
  assert.ok(report.skippedSlots >= 1);
  assert.deepEqual(await slotsOf(id), []);
  const entry = await p.services.schedules().get(dan.tenantId, 'agent', id);
  assert.equal(entry?.nextRunAt, '2027-03-03T07:30:00.000Z', '08:30 CET');
  const audit = await p.json('/audit?type=schedule.slot.skipped', { token: dan.token });
  assert.ok(audit.body.items.some((a: any) => a.target.id === id));

  // Deleting the agent removes its schedule: later ticks start nothing for it.
  assert.equal((await p.json(`/agents/${id}`, { method: 'DELETE', token: dan.token })).status, 204);
  assert.equal(await p.services.schedules().get(dan.tenantId, 'agent', id), undefined);
});

test("a scheduled run over the plan's monthly tokens is created and stops with a visible limit status", async () => {
  const kim = await p.person('kim@schedules.test', 'Kim');
  const agent = await p.json('/agents', {
    method: 'POST',
    token: kim.token,
    json: { templateId: 'daily-digest', schedule: { cron: '0 7 * 4 *', timezone: 'Asia/Tokyo' } },
  });
  await p.services.usage().record(kim.tenantId, { promptTokens: 10_000_000 });
  const report = await tick('2027-04-01T22:00:30Z');
  assert.equal(report.started.filter((r) => r.includes(agent.body.id)).length, 1);
  const runs = await p.json(`/orchestration/runs?agentId=${agent.body.id}`, { token: kim.token });
  const run = await p.finishedRun(kim, runs.body.items[0].id);
  assert.equal(run.status, 'stopped');
  assert.equal(run.stopKind, 'limit');
  assert.match(run.reason, /model tokens this month/);
  assert.equal(run.steps[0].status, 'skipped');
});

test('a run refused by the monthly token limit is never stored as stopped while a step still says pending', async () => {
  const lea = await p.person('lea@schedules.test', 'Lea');
  const agent = await p.json('/agents', {
    method: 'POST',
    token: lea.token,
    json: { templateId: 'daily-digest', schedule: { cron: '0 7 * 4 *', timezone: 'Asia/Tokyo' } },
  });
  assert.equal(agent.status, 201);
  await p.services.usage().record(lea.tenantId, { promptTokens: 10_000_000 });
  const platform = p.services;
  // Created without an orchestration, so this process's activity is the only writer of the run.
  const { run } = await platform.runs().start(
    lea.tenantId,
    {
      target: { type: 'agent', id: agent.body.id },
      trigger: { type: 'manual', slot: null },
      actorId: 'lea',
      source: 'api',
      checkLimits: false,
    },
    { async start() {} },
  );

  // Every version of the run document that reaches the store, as a person reading the run at that moment would see it.
  const runs = platform.runs();
  const update = runs.update.bind(runs);
  const written: RunDoc[] = [];
  runs.update = async (tenantId, runId, change) => {
    const stored = await update(tenantId, runId, change);
    written.push(structuredClone(stored));
    return stored;
  };
  try {
    assert.deepEqual(await platform.runActivities().prepare({ tenantId: lea.tenantId, runId: run.id }), {
      proceed: false,
    });
  } finally {
    delete (runs as Partial<typeof runs>).update;
  }
  assert.ok(written.length >= 1);
  for (const doc of written.filter((d) => TERMINAL.includes(d.status))) {
    assert.deepEqual(
      doc.steps.map((s) => s.status),
      ['skipped'],
      `a ${doc.status} run with unfinished steps was written`,
    );
    assert.ok(doc.finishedAt);
  }
  const seen = await p.json(`/orchestration/runs/${run.id}`, { token: lea.token });
  assert.equal(seen.body.status, 'stopped');
  assert.equal(seen.body.stopKind, 'limit');
  assert.match(seen.body.reason, /model tokens this month/);
  assert.equal(seen.body.steps[0].status, 'skipped');
});

test('erasing a person removes their schedules and their run orchestrations', async () => {
  const ivy = await p.person('ivy@schedules.test', 'Ivy');
  await p.connectGoogle(ivy);
  const pack = await p.json('/packs/meeting-ready/install', { method: 'POST', token: ivy.token });
  const workflowId = pack.body.workflowIds[0];
  assert.ok(await p.services.schedules().get(ivy.tenantId, 'workflow', workflowId));
  const started = await p.json('/orchestration/runs', { method: 'POST', token: ivy.token, json: { workflowId } });
  await p.finishedRun(ivy, started.body.id);

  const erased = await p.json('/me', { method: 'DELETE', token: ivy.token });
  assert.equal(erased.status, 200);
  assert.ok(erased.body.orchestrations >= 1, JSON.stringify(erased.body));
  assert.equal(await p.services.schedules().get(ivy.tenantId, 'workflow', workflowId), undefined);
  const instance = await p
    .durableClient()
    .getStatus(`run:${ivy.tenantId}:${started.body.id}`)
    .catch(() => undefined);
  assert.ok(!instance || !instance.instanceId, 'the orchestration is purged');
});
