import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startTestPlatform, type TestPlatform, type Person, type SinkMessage } from '../support/platform';

let p: TestPlatform;
let ada: Person;

before(async () => {
  p = await startTestPlatform();
  ada = await p.person('ada@agents.test', 'Ada');
  // Ada has more agents than the free tier allows; the limits themselves are checked with other people.
  await p.services.tenants().setTier(ada.tenantId, 'pro');
  await p.connectGoogle(ada);
});
after(() => p.platform.stop());

describe('packs', () => {
  test('installing the Inbox Assistant twice creates its agents, workflow and schedule once; uninstalling removes them', async () => {
    const bob = await p.person('bob@agents.test', 'Bob');
    const first = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: bob.token });
    assert.equal(first.status, 201);
    assert.equal(first.body.created, true);
    assert.equal(first.body.agents.length, 2);
    assert.deepEqual(
      first.body.workflows.map((w: any) => w.mode),
      ['sequential'],
    );
    assert.equal(first.body.triggers.length, 1);
    assert.ok(Date.parse(first.body.triggers[0].nextRunAt) > Date.now(), 'the schedule has a next run');

    const second = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: bob.token });
    assert.equal(second.status, 200);
    assert.equal(second.body.created, false);
    assert.deepEqual(second.body.agentIds, first.body.agentIds);
    const agents = await p.json('/agents', { token: bob.token });
    assert.equal(agents.body.items.length, 2, 'no duplicates');
    const installed = await p.json('/packs', { token: bob.token });
    assert.deepEqual(
      installed.body.items.map((i: any) => i.packId),
      ['inbox-assistant'],
    );

    const removed = await p.json(`/packs/${first.body.installId}`, { method: 'DELETE', token: bob.token });
    assert.equal(removed.status, 204);
    assert.equal((await p.json('/agents', { token: bob.token })).body.items.length, 0);
    assert.equal((await p.json('/workflows', { token: bob.token })).body.items.length, 0);
    assert.equal((await p.json('/packs', { token: bob.token })).body.items.length, 0);
    const entry = await p.services.schedules().get(bob.tenantId, 'workflow', first.body.workflowIds[0]);
    assert.equal(entry, undefined, 'the schedule is cancelled');
    assert.equal((await p.json(`/packs/${first.body.installId}`, { method: 'DELETE', token: bob.token })).status, 404);

    const audit = await p.json('/audit?type=pack.&limit=10', { token: bob.token });
    assert.deepEqual(audit.body.items.map((a: any) => a.action).sort(), ['pack.installed', 'pack.uninstalled']);
  });

  test('the catalog lists the seven templates and the three packs with the scopes they need', async () => {
    const templates = await p.json('/catalog/templates', { token: ada.token });
    assert.equal(templates.body.items.length, 7);
    const pack = await p.json('/catalog/packs/inbox-assistant', { token: ada.token });
    assert.ok(pack.body.scopes.google.includes('https://www.googleapis.com/auth/gmail.modify'));
    assert.equal((await p.json('/catalog/packs/nope', { token: ada.token })).status, 404);
  });
});

describe('runs end to end on the Google emulator with the offline model', () => {
  test('the Inbox Assistant workflow runs triage then reply drafts, with steps, tokens and suggestions visible', async () => {
    const install = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: ada.token });
    const workflowId = install.body.workflowIds[0];
    const started = await p.json('/orchestration/runs', { method: 'POST', token: ada.token, json: { workflowId } });
    assert.equal(started.status, 202);
    assert.equal(started.headers.get('location'), `/api/orchestration/runs/${started.body.id}`);
    assert.equal(started.body.runId, started.body.id);

    const run = await p.finishedRun(ada, started.body.id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      run.steps.map((s: any) => [s.templateId, s.status]),
      [
        ['inbox-triage', 'completed'],
        ['reply-drafter', 'completed'],
      ],
    );
    const [triage, replies] = run.steps;
    assert.ok(triage.itemCount > 0, 'triage read the demo mailbox');
    assert.ok(triage.tokens.prompt > 0 && replies.tokens.prompt > 0);
    assert.equal(run.tokens.prompt, triage.tokens.prompt + replies.tokens.prompt);
    assert.equal(run.progress.completedSteps, 2);
    assert.ok(replies.suggestionIds.length > 0, 'reply drafts were proposed');

    const suggestion = await p.json(`/suggestions/${replies.suggestionIds[0]}`, { token: ada.token });
    assert.equal(suggestion.status, 200);
    assert.equal(suggestion.body.kind, 'email.reply');
    assert.equal(suggestion.body.status, 'pending', 'nothing is sent before approval');
    assert.deepEqual(new Set(run.suggestionIds), new Set([...triage.suggestionIds, ...replies.suggestionIds]));

    const byAgent = await p.json(`/orchestration/runs?agentId=${triage.agentId}`, { token: ada.token });
    assert.ok(byAgent.body.items.some((r: any) => r.id === run.id));
    const audit = await p.json('/audit?type=agent.run.step&limit=10', { token: ada.token });
    assert.ok(audit.body.items.length >= 2, 'every agent action is audited');
  });

  test('a single agent runs on demand, with config overrides validated by its template', async () => {
    const created = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'meeting-prep', name: 'Prep', config: { hoursAhead: 72 } },
    });
    assert.equal(created.status, 201);
    const bad = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { agentId: created.body.id, input: { config: { hoursAhead: 0 } } },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.errors.some((e: any) => e.path === 'body.input.config.hoursAhead'));

    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { agentId: created.body.id },
    });
    const run = await p.finishedRun(ada, started.body.id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.equal(run.mode, 'single');
    assert.ok(run.steps[0].itemCount > 0, 'read the calendar');
    assert.ok(run.steps[0].suggestionIds.length > 0, 'a brief per meeting');
  });

  test('the Weekly Review runs its agents in parallel, then the coordinator merges their results', async () => {
    const install = await p.json('/packs/weekly-review/install', { method: 'POST', token: ada.token });
    assert.equal(install.body.workflows[0].mode, 'parallel');
    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { workflowId: install.body.workflowIds[0] },
    });
    const run = await p.finishedRun(ada, started.body.id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    assert.deepEqual(
      run.steps.map((s: any) => [s.role, s.status]),
      [
        ['step', 'completed'],
        ['step', 'completed'],
        ['coordinator', 'completed'],
      ],
    );
    const coordinator = run.steps[2];
    assert.match(coordinator.summary, /Weekly Digest: .*Follow-up Tracker: /, 'the coordinator saw both results');
  });

  test('a parallel run files every suggestion under its own id, with no clashes, and sends one email for the whole run', async () => {
    // Someone whose agents have not read this mailbox yet (a run proposes only what is new to its agents).
    const ada = await p.person('ada.parallel@agents.test', 'Ada');
    await p.connectGoogle(ada);
    const install = await p.json('/packs/weekly-review/install', { method: 'POST', token: ada.token });
    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { workflowId: install.body.workflowIds[0] },
    });
    const run = await p.finishedRun(ada, started.body.id);
    assert.equal(run.status, 'completed', JSON.stringify(run));
    const perStep = run.steps.map((s: any) => s.suggestionIds as string[]);
    assert.ok(
      perStep.filter((ids: string[]) => ids.length > 0).length >= 2,
      `several steps proposed: ${JSON.stringify(perStep)}`,
    );
    const all: string[] = perStep.flat();
    assert.equal(new Set(all).size, all.length, 'no two steps share a suggestion id');
    assert.deepEqual(new Set(run.suggestionIds), new Set(all));

    const listed = await p.json(`/suggestions?runId=${run.id}&limit=100`, { token: ada.token });
    assert.deepEqual(
      new Set(listed.body.items.map((s: any) => s.id)),
      new Set(all),
      "the run id finds every step's suggestions",
    );
    for (const [i, step] of run.steps.entries()) {
      for (const id of perStep[i]) {
        const suggestion = await p.json(`/suggestions/${id}`, { token: ada.token });
        assert.equal(suggestion.body.origin.runId, run.id);
        assert.equal(suggestion.body.origin.stepId, step.id);
      }
    }

    // The email of the run lists every step's suggestions; polled until it holds all of them (per-step emails never do).
    const ofRun = (mail: SinkMessage[]) => mail.filter((m) => all.some((id) => m.text.includes(id)));
    const mail = await eventually(
      () => p.mail(ada.email),
      (m) => ofRun(m).some((x) => all.every((id) => x.text.includes(id))),
      'the email of the run',
    );
    assert.equal(
      ofRun(mail).length,
      1,
      `one email for the run: ${ofRun(mail)
        .map((m) => m.subject)
        .join(' | ')}`,
    );
    assert.equal(ofRun(mail)[0]!.subject, `${all.length} suggestions need your approval`);
  });

  test('a run that would pass the agent token budget stops with a clear status', async () => {
    const created = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', tokenBudget: { perRun: 100 } },
    });
    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { agentId: created.body.id },
    });
    const run = await p.finishedRun(ada, started.body.id);
    assert.equal(run.status, 'stopped');
    assert.equal(run.stopKind, 'budget');
    assert.match(run.reason, /budget of 100 tokens per run/);
    assert.equal(run.tokens.prompt, 0, 'stopped before calling the model');
  });

  test('the monthly token limit of the tier refuses new runs with a limit-exceeded problem', async () => {
    const cy = await p.person('cy@agents.test', 'Cy');
    const agent = await p.json('/agents', { method: 'POST', token: cy.token, json: { templateId: 'daily-digest' } });
    await p.services.usage().record(cy.tenantId, { promptTokens: 10_000_000 });
    const refused = await p.json('/orchestration/runs', {
      method: 'POST',
      token: cy.token,
      json: { agentId: agent.body.id },
    });
    assert.equal(refused.status, 429);
    assert.match(refused.body.type, /limit-exceeded$/);
    assert.equal(refused.body.limit, 'tokensPerMonth');
  });

  test('a run without the connector its agent needs fails with a reason the person can act on', async () => {
    const hal = await p.person('hal@agents.test', 'Hal');
    const agent = await p.json('/agents', { method: 'POST', token: hal.token, json: { templateId: 'inbox-triage' } });
    const started = await p.json('/orchestration/runs', {
      method: 'POST',
      token: hal.token,
      json: { agentId: agent.body.id },
    });
    const run = await p.finishedRun(hal, started.body.id);
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'Connect an account with mail access to run Inbox Triage.');
    assert.equal(run.steps[0].error, run.reason);
  });

  test("another person's agents and runs are invisible", async () => {
    const eve = await p.person('eve@agents.test', 'Eve');
    const runs = await p.json('/orchestration/runs?limit=1', { token: ada.token });
    const runId = runs.body.items[0].id;
    assert.equal((await p.json(`/orchestration/runs/${runId}`, { token: eve.token })).status, 404);
    assert.equal(
      (await p.json(`/orchestration/runs/${runId}/cancel`, { method: 'POST', token: eve.token })).status,
      404,
    );
    const agentId = runs.body.items[0].steps[0].agentId;
    assert.equal((await p.json(`/agents/${agentId}`, { token: eve.token })).status, 404);
    assert.equal(
      (await p.json('/orchestration/runs', { method: 'POST', token: eve.token, json: { agentId } })).status,
      404,
    );
  });
});

describe('agents and workflows API', () => {
  test('config, schedules and workflows are validated; updates honour If-Match', async () => {
    const badConfig = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', config: { maxMessages: 0 } },
    });
    assert.equal(badConfig.status, 400);
    assert.ok(badConfig.body.errors.some((e: any) => e.path === 'body.config.maxMessages'));
    const badCron = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', schedule: { cron: '61 * * * *', timezone: 'Europe/Berlin' } },
    });
    assert.equal(badCron.status, 400);
    const badZone = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', schedule: { cron: '0 9 * * *', timezone: 'Mars/Olympus' } },
    });
    assert.equal(badZone.status, 400);
    const tooOften = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', schedule: { cron: '*/5 * * * *', timezone: 'UTC' } },
    });
    assert.equal(tooOften.status, 429, 'the pro tier schedules at most every 15 minutes');
    const fred = await p.person('fred@agents.test', 'Fred');
    for (const templateId of ['inbox-triage', 'reply-drafter', 'daily-digest', 'meeting-prep', 'follow-up-tracker']) {
      assert.equal((await p.json('/agents', { method: 'POST', token: fred.token, json: { templateId } })).status, 201);
    }
    const sixth = await p.json('/agents', { method: 'POST', token: fred.token, json: { templateId: 'coordinator' } });
    assert.equal(sixth.status, 429, 'the free tier has five agents');
    assert.equal(sixth.body.limit, 'agents');
    const pack = await p.json('/packs/weekly-review/install', { method: 'POST', token: fred.token });
    assert.equal(pack.status, 429, 'a pack that does not fit is refused as a whole');
    assert.equal((await p.json('/agents', { token: fred.token })).body.items.length, 5);
    assert.equal(
      (await p.json('/agents', { method: 'POST', token: ada.token, json: { templateId: 'nope' } })).status,
      404,
    );

    const agent = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'inbox-triage', schedule: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' } },
    });
    assert.equal(agent.status, 201);
    assert.ok(agent.body.nextRunAt);
    const etag = agent.headers.get('etag')!;
    const disabled = await p.json(`/agents/${agent.body.id}`, {
      method: 'PATCH',
      token: ada.token,
      json: { enabled: false },
      headers: { 'if-match': etag },
    });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.nextRunAt, null, 'a disabled agent has no next run');
    const stale = await p.json(`/agents/${agent.body.id}`, {
      method: 'PATCH',
      token: ada.token,
      json: { name: 'x' },
      headers: { 'if-match': etag },
    });
    assert.equal(stale.status, 412);
    const refused = await p.json('/orchestration/runs', {
      method: 'POST',
      token: ada.token,
      json: { agentId: agent.body.id },
    });
    assert.equal(refused.status, 409, 'a disabled agent does not run');

    const coordinator = await p.json('/agents', {
      method: 'POST',
      token: ada.token,
      json: { templateId: 'coordinator' },
    });
    const noCoordinator = await p.json('/workflows', {
      method: 'POST',
      token: ada.token,
      json: { name: 'W', mode: 'parallel', steps: [{ agentId: agent.body.id }, { agentId: agent.body.id }] },
    });
    assert.equal(noCoordinator.status, 400);
    const paths = noCoordinator.body.errors.map((e: any) => e.path);
    assert.ok(
      paths.includes('body.coordinatorAgentId') && paths.includes('body.steps[1].agentId'),
      JSON.stringify(paths),
    );
    const foreign = await p.json('/workflows', {
      method: 'POST',
      token: ada.token,
      json: { name: 'W', mode: 'sequential', steps: [{ agentId: 'agt_missing' }] },
    });
    assert.equal(foreign.status, 400);
    const ok = await p.json('/workflows', {
      method: 'POST',
      token: ada.token,
      json: {
        name: 'W',
        mode: 'sequential',
        steps: [{ agentId: agent.body.id }],
        coordinatorAgentId: coordinator.body.id,
      },
    });
    assert.equal(ok.status, 400, 'only parallel workflows have a coordinator');

    const used = await p.json('/workflows', {
      method: 'POST',
      token: ada.token,
      json: { name: 'Uses it', mode: 'sequential', steps: [{ agentId: agent.body.id }] },
    });
    assert.equal(used.status, 201);
    const inUse = await p.json(`/agents/${agent.body.id}`, { method: 'DELETE', token: ada.token });
    assert.equal(inUse.status, 409, 'an agent a workflow uses cannot be deleted');
    assert.equal((await p.json(`/workflows/${used.body.id}`, { method: 'DELETE', token: ada.token })).status, 204);
    assert.equal((await p.json(`/agents/${agent.body.id}`, { method: 'DELETE', token: ada.token })).status, 204);
  });
});
