import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectGmail, type ConnectedGmail } from '../support/gmail';
import type { MailProvider, MailSummary } from '../../shared/connectors/types';
import type { Proposal } from '../../shared/suggestions/kinds';
import { eventually, linksIn, startTestPlatform, type TestPlatform } from '../support/platform';
import { origin } from '../support/suggestion-services';

let p: TestPlatform;
let ada: { token: string; tenantId: string };
let connectorId: string;
let mail: MailProvider;
let inbox: MailSummary[];
let reply: ConnectedGmail['reply'];
let sentWith: ConnectedGmail['sentWith'];
const ADA = 'ada@example.com';

before(async () => {
  p = await startTestPlatform({ services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'smtp-sink'] });
  ada = await p.person(ADA, 'Ada');
  ({ connectorId, mail, inbox, reply, sentWith } = await connectGmail(p, ada));
  assert.ok(inbox.length >= 2, 'the demo mailbox has messages');
});
after(() => p.platform.stop());

const view = (id: string) =>
  p.json<{ status: string; execution?: { attempts: number } }>(`/suggestions/${id}`, { token: ada.token });

describe('carrying out approved replies in the Gmail emulator', () => {
  test('20 concurrent approvals (web and email link) send exactly one reply', async () => {
    const marker = `once-${Date.now()}`;
    const o = origin(ada.tenantId);
    const [id] = await p.services.suggestions().propose(o, [reply(inbox[0]!, `Thanks, see you then. ${marker}`)]);
    const [email] = await eventually(
      () => p.mail(ADA),
      (m) => m.some((x) => x.text.includes(marker)),
      'the notification email',
    );
    const emailed = linksIn(
      email!.text.includes(marker) ? email!.text : (await p.mail(ADA)).find((x) => x.text.includes(marker))!.text,
    ).approve;
    const doc = await p.services.suggestions().get(ada.tenantId, id!);
    const links = [
      ...emailed,
      ...Array.from({ length: 9 }, () => p.services.approvalLinks().linkFor(doc, 'approve', 0)),
    ];

    const attempts = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        p.platform.api(`/suggestions/${id}/approve`, { token: ada.token, method: 'POST' }).then((r) => r.status),
      ),
      ...links.slice(0, 10).map((link) => fetch(link, { method: 'POST' }).then((r) => r.status)),
    ]);
    assert.equal(attempts.filter((s) => s === 200).length, 1, `exactly one decision wins: ${attempts.join(',')}`);
    assert.ok(
      attempts.every((s) => s === 200 || s === 409),
      attempts.join(','),
    );

    const done = await eventually(
      () => view(id!),
      (r) => r.body.status === 'executed',
      'the reply to be sent',
    );
    assert.equal(done.body.execution?.attempts, 1);
    assert.equal(await sentWith(marker), 1, 'one reply in the Sent folder');
    const status = await eventually(
      () =>
        fetch(
          `${p.platform.origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(`approval:${ada.tenantId}:${id}`)}`,
        ).then((r) => r.json() as Promise<{ runtimeStatus: string }>),
      (s) => s.runtimeStatus === 'Completed',
      'the approval wait to finish',
    );
    assert.equal(status.runtimeStatus, 'Completed');
    assert.equal(await sentWith(marker), 1, 'still one reply once everything settled');
  });

  test('an edit before approval is what gets sent, and the audit shows both versions', async () => {
    const marker = `edit-${Date.now()}`;
    const [id] = await p.services
      .suggestions()
      .propose(origin(ada.tenantId), [reply(inbox[1]!, `Original wording ${marker}`)]);
    const bad = await p.json<{ errors: { path: string }[] }>(`/suggestions/${id}/approve`, {
      token: ada.token,
      json: { edits: { to: ['not an address'] } },
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.body.errors.some((e) => e.path.startsWith('body.edits.to')));
    const ok = await p.json<{ status: string }>(`/suggestions/${id}/approve`, {
      token: ada.token,
      json: { edits: { body: `Edited wording ${marker}` } },
    });
    assert.equal(ok.status, 200);
    await eventually(
      () => view(id!),
      (r) => r.body.status === 'executed',
      'the edited reply to be sent',
    );
    const sent = await mail.listMessages({ label: 'SENT', text: marker, limit: 10 });
    const texts = await Promise.all(sent.items.map(async (m) => (await mail.getMessage(m.id)).text));
    assert.equal(texts.filter((t) => t.includes(marker)).length, 1);
    assert.ok(texts.some((t) => t.includes(`Edited wording ${marker}`)));
    assert.ok(!texts.some((t) => t.includes(`Original wording ${marker}`)));
    const audit = await p.json<{
      items: {
        action: string;
        target: { id: string };
        before: { payload?: { body: string } };
        after: { payload?: { body: string } };
      }[];
    }>('/audit?type=suggestion.approved', { token: ada.token });
    const record = audit.body.items.find((r) => r.target.id === id)!;
    assert.match(record.before.payload!.body, /Original wording/);
    assert.match(record.after.payload!.body, /Edited wording/);
  });

  test('from a real run: replies approved in the app and from the emailed link each go out once; dashboard and audit show it', async () => {
    const install = await p.json<{ workflowIds: string[] }>('/packs/inbox-assistant/install', {
      method: 'POST',
      token: ada.token,
    });
    assert.ok(install.status === 201 || install.status === 200, `install answered ${install.status}`);
    const started = await p.json<{ id: string }>('/orchestration/runs', {
      token: ada.token,
      json: { workflowId: install.body.workflowIds[0] },
    });
    assert.equal(started.status, 202);
    const run = await eventually(
      () =>
        p.json<{ status: string; tokens: { prompt: number; completion: number } }>(
          `/orchestration/runs/${started.body.id}`,
          { token: ada.token },
        ),
      (r) => ['completed', 'failed', 'cancelled', 'stopped'].includes(r.body.status),
      'the run to finish',
      60_000,
    );
    assert.equal(run.body.status, 'completed');
    const replies = (
      await p.json<{ items: { id: string; payload: { subject: string; body: string } }[] }>(
        `/suggestions?status=pending&kind=email.reply&runId=${started.body.id}`,
        { token: ada.token },
      )
    ).body.items;
    assert.ok(replies.length >= 2, `the run proposed replies (${replies.length})`);
    const [byWeb, byLink] = replies;

    const firstLine = byLink!.payload.body.split('\n')[0]!;
    const notification = await eventually(
      () => p.mail(ADA),
      (m) => m.some((x) => x.text.includes(firstLine)),
      'the notification email for the run',
    );
    const text = notification.find((x) => x.text.includes(firstLine))!.text;
    const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
    let link: string | undefined;
    for (const url of linksIn(text).approve) {
      if ((await p.services.approvalLinks().inspect(tokenOf(url))).suggestion?.id === byLink!.id) link = url;
    }
    assert.ok(link, 'the email has an approve link for the suggestion');

    assert.equal((await p.json(`/suggestions/${byWeb!.id}/approve`, { token: ada.token, method: 'POST' })).status, 200);
    assert.equal((await fetch(link!, { method: 'POST' })).status, 200);
    for (const s of [byWeb!, byLink!]) {
      await eventually(
        () => view(s.id),
        (r) => r.body.status === 'executed',
        `reply ${s.id} sent`,
      );
      const sent = await mail.listMessages({ label: 'SENT', limit: 100 });
      const withBody = (await Promise.all(sent.items.map((m) => mail.getMessage(m.id)))).filter((m) =>
        m.text.includes(s.payload.body.slice(0, 60)),
      );
      assert.equal(withBody.length, 1, `exactly one copy of reply ${s.id} in Sent`);
    }

    const dashboard = await eventually(
      () =>
        p.json<{
          runs: { totals: { completed: number } };
          usage: { totals: { totalTokens: number } };
          suggestions: { decisionSources: Record<string, number> };
        }>('/dashboard', { token: ada.token }),
      (r) => r.body.runs.totals.completed >= 1 && (r.body.suggestions.decisionSources['email-link'] ?? 0) >= 1,
      'the dashboard to show the run and the decisions',
    );
    assert.equal(dashboard.body.usage.totals.totalTokens, run.body.tokens.prompt + run.body.tokens.completion);
    const audit = await p.json<{ items: { action: string; source: string; target: { id: string } }[] }>(
      '/audit?type=suggestion.executed&limit=100',
      { token: ada.token },
    );
    assert.ok([byWeb!.id, byLink!.id].every((id) => audit.body.items.some((r) => r.target.id === id)));
  });

  test('undo: an archived message goes back to the inbox; a sent reply cannot be undone', async () => {
    const target = inbox[inbox.length - 1]!;
    const [id] = await p.services.suggestions().propose(origin(ada.tenantId), [
      {
        kind: 'email.archive',
        payload: { connectorId, messageIds: [target.id] },
        rationale: 'A newsletter you never read.',
        sources: [],
      } as Proposal,
    ]);
    assert.equal((await p.json(`/suggestions/${id}/approve`, { token: ada.token, method: 'POST' })).status, 200);
    await eventually(
      () => view(id!),
      (r) => r.body.status === 'executed',
      'the archive to happen',
    );
    assert.ok(!(await mail.getMessage(target.id)).labels.includes('INBOX'), 'archived');
    const undone = await p.json<{ status: string }>(`/suggestions/${id}/undo`, { token: ada.token, method: 'POST' });
    assert.equal(undone.status, 200);
    assert.equal(undone.body.status, 'undone');
    assert.ok((await mail.getMessage(target.id)).labels.includes('INBOX'), 'back in the inbox');
    assert.equal((await p.json(`/suggestions/${id}/undo`, { token: ada.token, method: 'POST' })).status, 409);

    const replies = await p.json<{ items: { id: string; kind: string; status: string }[] }>(
      '/suggestions?status=executed&kind=email.reply',
      { token: ada.token },
    );
    const sentReply = replies.body.items[0]!;
    const refused = await p.json<{ detail: string }>(`/suggestions/${sentReply.id}/undo`, {
      token: ada.token,
      method: 'POST',
    });
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /cannot be undone/);
  });
});
