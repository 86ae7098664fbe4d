import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, linksIn, startTestPlatform, type TestPlatform } from '../support/platform';
import { origin, taskProposal } from '../support/suggestion-services';

let p: TestPlatform;
let ana: { token: string; tenantId: string };
const ANA = 'ana@home.test';

before(async () => {
  p = await startTestPlatform({ settings: { SUGGESTION_REMINDER_BEFORE_SECONDS: '2' } });
  ana = await p.person(ANA, 'Ana');
});
after(() => p.platform.stop());

interface View {
  id: string;
  status: string;
  decision?: { source: string };
  execution?: { attempts: number };
}

const get = (id: string) => p.json<View>(`/suggestions/${id}`, { token: ana.token });

describe('inbox on the local runtime', () => {
  test("a run's suggestions: emailed once, approved from the web and from the emailed link, carried out, audited, on the dashboard", async () => {
    const o = origin(ana.tenantId);
    const ids = await p.services
      .suggestions()
      .propose(o, [taskProposal('Renew the passport'), taskProposal('Pay the plumber')]);

    const listed = await p.json<{ items: View[] }>(`/suggestions?status=pending&runId=${o.runId}`, {
      token: ana.token,
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.items.map((s) => s.id).sort(), [...ids].sort());

    // One notification for the run, with working links.
    await eventually(
      () => p.mail(ANA),
      (m) => m.some((x) => x.subject === '2 suggestions need your approval'),
      'the notification email',
    );
    const mails = (await p.mail(ANA)).filter((m) => m.subject === '2 suggestions need your approval');
    assert.equal(mails.length, 1, 'one email per run');
    const links = linksIn(mails[0]!.text);
    assert.equal(links.approve.length, 2);
    assert.match(mails[0]!.html, /Approve<\/a>/);
    assert.match(mails[0]!.headers['list-unsubscribe'] ?? '', /notifications\/unsubscribe/);

    // First from the web.
    const approved = await p.json<View>(`/suggestions/${ids[0]}/approve`, { token: ana.token, method: 'POST' });
    assert.equal(approved.status, 200);
    assert.equal(approved.body.status, 'approved');

    // Second from the email: the page changes nothing, the button decides, a replay is refused.
    // Which of the two links is the second suggestion's (reading a link changes nothing).
    const suggestionOf = async (url: string) =>
      (await p.services.approvalLinks().inspect(url.slice(url.lastIndexOf('/') + 1))).suggestion?.id;
    const link = (await suggestionOf(links.approve[0]!)) === ids[1] ? links.approve[0]! : links.approve[1]!;
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Approve this suggestion\?/);
    assert.equal((await get(ids[1]!)).body.status, 'pending', 'opening the link changed nothing');
    const posted = await fetch(link, { method: 'POST' });
    assert.equal(posted.status, 200);
    assert.match(await posted.text(), /Approved/);
    const replay = await fetch(link, { method: 'POST' });
    assert.equal(replay.status, 410);
    assert.match(await replay.text(), /already used/);

    for (const id of ids) {
      const done = await eventually(
        () => get(id),
        (r) => r.body.status === 'executed',
        `suggestion ${id} carried out`,
      );
      assert.equal(done.body.execution?.attempts, 1);
    }
    assert.equal((await get(ids[1]!)).body.decision?.source, 'email-link');

    const audit = await p.json<{ items: { action: string; source: string; target: { id: string } }[] }>(
      '/audit?type=suggestion.',
      { token: ana.token },
    );
    const forRun = audit.body.items.filter((r) => ids.includes(r.target.id));
    assert.deepEqual(
      forRun
        .filter((r) => r.action === 'suggestion.approved')
        .map((r) => r.source)
        .sort(),
      ['email-link', 'web'],
    );
    assert.equal(forRun.filter((r) => r.action === 'suggestion.executed').length, 2);

    const dashboard = await eventually(
      () =>
        p.json<{
          suggestions: { totals: Record<string, number>; decisionSources: Record<string, number> };
          timeSaved: { minutes: number };
        }>('/dashboard', { token: ana.token }),
      (r) => r.status === 200 && r.body.suggestions.totals.executed === 2,
      'the dashboard to count both executions',
    );
    assert.equal(dashboard.body.suggestions.totals.created, 2);
    assert.equal(dashboard.body.suggestions.totals.approved, 2);
    assert.deepEqual(dashboard.body.suggestions.decisionSources, { web: 1, 'email-link': 1 });
    assert.equal(dashboard.body.timeSaved.minutes, 2);
  });

  test('no decision: a reminder goes out, then the durable timer expires the suggestion', async () => {
    const [id] = await p.services
      .suggestions()
      .propose(origin(ana.tenantId), [taskProposal('Short-lived', { expiresInSeconds: 4 } as never)]);
    await eventually(
      () => p.mail(ANA),
      (m) => m.some((x) => x.subject === 'Reminder: Add the task "Short-lived" expires soon'),
      'the reminder email',
      20_000,
    );
    const expired = await eventually(
      () => get(id!),
      (r) => r.body.status === 'expired',
      'expiry by the durable timer',
      20_000,
    );
    assert.equal(expired.status, 200);
    const late = await p.json(`/suggestions/${id}/approve`, { token: ana.token, method: 'POST' });
    assert.equal(late.status, 409);
    assert.equal(late.headers.get('content-type'), 'application/problem+json');
  });

  test('bulk approval over HTTP: per-item results; bad requests are clear 400s; others see 404', async () => {
    const ids = await p.services.suggestions().propose(origin(ana.tenantId), [taskProposal('B1'), taskProposal('B2')]);
    await p.json(`/suggestions/${ids[1]}/reject`, { token: ana.token, json: { reason: 'no' } });
    const bulk = await p.json<{ results: { id: string; status: number }[]; succeeded: number; failed: number }>(
      '/suggestions/bulk',
      {
        token: ana.token,
        json: { ids: [...ids, 'sug_nothing'], action: 'approve' },
      },
    );
    assert.equal(bulk.status, 200);
    assert.deepEqual(
      bulk.body.results.map((r) => r.status),
      [200, 409, 404],
    );
    assert.equal(bulk.body.succeeded, 1);
    await eventually(
      () => get(ids[0]!),
      (r) => r.body.status === 'executed',
      'bulk-approved suggestion carried out',
    );

    const tooMany = await p.json<{ errors: { path: string }[] }>('/suggestions/bulk', {
      token: ana.token,
      json: { ids: Array.from({ length: 101 }, (_, i) => `s${i}`), action: 'approve' },
    });
    assert.equal(tooMany.status, 400);
    assert.ok(tooMany.body.errors.some((e) => e.path.startsWith('body.ids')));
    const badEdit = await p.json<{ errors: { path: string }[] }>(`/suggestions/${ids[0]}/approve`, {
      token: ana.token,
      json: { edits: 'nope' },
    });
    assert.equal(badEdit.status, 400);

    const bob = await p.person('bob@else.test', 'Bob');
    assert.equal((await p.json(`/suggestions/${ids[0]}`, { token: bob.token })).status, 404);
    assert.equal((await p.json(`/suggestions/${ids[0]}/undo`, { token: bob.token, method: 'POST' })).status, 404);
    assert.equal((await p.json('/suggestions', { token: 'not-a-token' })).status, 401);
  });

  test('failed runs and connectors needing consent are emailed; the unsubscribe link turns emails off', async () => {
    const cleo = await p.person('cleo@home.test', 'Cleo');
    const publish = (type: string, data: Record<string, unknown>) =>
      fetch(`${p.platform.settings.LOCAL_BROKER_URL}/${p.platform.settings.EVENTS_TOPIC ?? 'domain-events'}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            messageId: `${type}-${Date.now()}`,
            body: {
              id: `${type}-${Date.now()}`,
              type,
              tenantId: cleo.tenantId,
              occurredAt: new Date().toISOString(),
              subject: 'x/1',
              data,
            },
          },
        ]),
      });
    // As the run's end publishes it: the agent by name, the safe reason and the kind of cause.
    await publish('RunFailed', {
      runId: 'run-9',
      agentId: 'triage',
      target: { type: 'agent', id: 'triage', name: 'Inbox triage' },
      reason: 'The AI model did not answer (timeout) after 3 attempts. Try again later.',
      failureCause: { kind: 'model' },
    });
    await publish('ConnectorNeedsReauth', { provider: 'google', account: 'cleo@gmail.example' });
    const mails = await eventually(
      () => p.mail('cleo@home.test'),
      (m) => m.length >= 2,
      'the two emails',
    );
    const failed = mails.find((m) => m.subject === 'Inbox triage could not finish')!;
    assert.match(failed.text, /The AI model it uses did not answer\./);
    assert.match(failed.text, /Run again: \S+\/agents\/triage/);
    assert.ok(mails.some((m) => m.subject === 'Reconnect google: your agents cannot reach it'));

    const unsubscribe = /<(http[^>]+)>/.exec(failed.headers['list-unsubscribe'] ?? '')![1]!;
    const confirm = await fetch(unsubscribe);
    assert.equal(confirm.status, 200);
    assert.match(await confirm.text(), /Stop notification emails\?/);
    assert.equal(
      (await p.json<{ notifications: { mode: string } }>('/me', { token: cleo.token })).body.notifications.mode,
      'immediate',
      'GET changed nothing',
    );
    const done = await fetch(unsubscribe, { method: 'POST' });
    assert.equal(done.status, 200);
    assert.equal(
      (await p.json<{ notifications: { mode: string } }>('/me', { token: cleo.token })).body.notifications.mode,
      'off',
    );
    // Change a character in the middle of the signature (the last one may only carry padding bits).
    const at = unsubscribe.length - 10;
    const forged = await fetch(
      `${unsubscribe.slice(0, at)}${unsubscribe[at] === 'A' ? 'B' : 'A'}${unsubscribe.slice(at + 1)}`,
      { method: 'POST' },
    );
    assert.equal(forged.status, 400);
  });

  test('the routes are in the OpenAPI document; erasing a person stops and purges their approval waits', async () => {
    const doc = await p.json<{ paths: Record<string, unknown> }>('/openapi.json');
    for (const path of [
      '/api/suggestions',
      '/api/suggestions/{id}/approve',
      '/api/suggestions/bulk',
      '/api/suggestions/{id}/undo',
      '/api/approvals/{token}',
      '/api/dashboard',
    ]) {
      assert.ok(doc.body.paths[path], `${path} documented`);
    }
    const dora = await p.person('dora@home.test', 'Dora');
    const [id] = await p.services.suggestions().propose(origin(dora.tenantId), [taskProposal('Forget me')]);
    const instance = `${p.platform.origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(`approval:${dora.tenantId}:${id}`)}`;
    await eventually(
      () => fetch(instance).then((r) => r.status),
      (s) => s === 202,
      'the approval wait to run',
    );
    const erased = await p.platform.api('/me', { token: dora.token, method: 'DELETE' });
    assert.ok(erased.status < 300, `DELETE /me answered ${erased.status}`);
    assert.equal((await fetch(instance)).status, 404, 'the approval wait is gone');
    await assert.rejects(p.services.suggestions().get(dora.tenantId, id!), /does not exist/);
  });

  test('a redelivered run event is counted once on the dashboard', async () => {
    const event = {
      id: `evt-${Date.now()}`,
      type: 'RunCompleted',
      tenantId: ana.tenantId,
      occurredAt: new Date().toISOString(),
      subject: 'runs/r-dup',
      data: {
        agentId: 'agent-dup',
        model: 'offline',
        tokens: { prompt: 10, completion: 5 },
        costUsd: 0.5,
        durationMs: 10,
      },
    };
    const message = { messageId: event.id, body: event, contentType: 'application/json', subject: event.type };
    const broker = `${p.platform.settings.LOCAL_BROKER_URL}/${p.platform.settings.EVENTS_TOPIC ?? 'domain-events'}/messages`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(broker, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([message]),
      });
      assert.ok(res.ok, `broker answered ${res.status}`);
    }
    await eventually(
      async () => p.platform.logs().split(`${event.id} already counted`).length - 1,
      (n) => n >= 2,
      'both redeliveries seen',
    );
    const d = await p.json<{ usage: { byAgent: { agentId: string; runs: number; costUsd: number }[] } }>('/dashboard', {
      token: ana.token,
    });
    const row = d.body.usage.byAgent.find((r) => r.agentId === 'agent-dup');
    assert.deepEqual(row && { runs: row.runs, costUsd: row.costUsd }, { runs: 1, costUsd: 0.5 });
  });
});
