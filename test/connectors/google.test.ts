import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import type { Services } from '../../shared/app/services';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { exportData } from '../support/exports';
import { createSnapshotStore } from '../../shared/connectors/snapshots/snapshot-store';
import {
  connectorRecords,
  consent,
  continueUrlOf,
  openCallback,
  postTicket,
  servicesOf,
  signIn,
  startFlow,
  startTicket,
  storedTokens,
  webOrigin,
} from '../support/connectors';

describe('Google connector against the emulator, through the real OAuth code flow', () => {
  let platform: LocalPlatform;
  let services: Services;
  let token: string;
  let tenantId: string;
  let connectorId: string;
  const seen: string[] = [];

  before(async () => {
    platform = await startLocalPlatform({ services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator'] });
    services = servicesOf(platform);
    token = await platform.token('ada@example.com', 'Ada');
    const me = await platform.api('/me', { token });
    tenantId = ((await me.json()) as { tenantId: string }).tenantId;
  });
  after(() => platform?.stop());

  const api = async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const response = await platform.api(path, { token, ...init });
    seen.push(await response.clone().text());
    return response;
  };

  it('connects: consent, code exchange, redirect to the web app, health ok', async () => {
    const { response, callbackUrl } = await consent(platform, token, 'google', GOOGLE_DEMO_USER.email);
    assert.equal(response.status, 302);
    // The callback uses up this browser's flow cookie (Set-Cookie as ASP.NET Core writes it in the Functions host).
    assert.match(
      response.headers.getSetCookie().join('\n'),
      /^connect_flow_google=; max-age=0; path=\/api\/connectors\/; samesite=lax; httponly$/m,
    );
    assert.equal(
      response.headers.get('location'),
      `${platform.settings.WEB_BASE_URL!.replace(/\/$/, '')}/connectors?connected=google`,
    );
    assert.match(callbackUrl, /code=/);

    const list = await api('/connectors');
    assert.equal(list.status, 200);
    const { items } = (await list.json()) as {
      items: { id: string; provider: string; account: string; health: string; families: string[] }[];
    };
    assert.equal(items.length, 1);
    assert.equal(items[0]!.provider, 'google');
    assert.equal(items[0]!.account, GOOGLE_DEMO_USER.email);
    assert.equal(items[0]!.health, 'ok');
    assert.deepEqual([...items[0]!.families].sort(), ['calendar', 'files', 'mail']);
    connectorId = items[0]!.id;

    // The same callback again is a replay: a clear page, never a second connection.
    const replay = await openCallback(callbackUrl);
    assert.equal(replay.status, 409);
    assert.match(replay.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await replay.text(), /already used/);
  });

  it('binds a sign-in to the browser that started it: a cookie only that browser holds', async () => {
    // Eve starts a sign-in in her browser and lures Ada into finishing it (Ada's account would land in Eve's tenant).
    const eve = await platform.token('eve@example.com', 'Eve');
    const eveFlow = await startFlow(platform, eve, 'google', { families: ['mail'] });
    const setCookie = eveFlow.response.headers.getSetCookie().join('\n');
    assert.match(
      setCookie,
      /^connect_flow_google=[\w-]{43}; max-age=\d+; path=\/api\/connectors\/; samesite=lax; httponly$/m,
    );
    assert.doesNotMatch(setCookie, /secure/i, 'plain http locally: no Secure attribute');
    assert.doesNotMatch(
      await eveFlow.response.text(),
      new RegExp(eveFlow.cookie.split('=')[1]!),
      'the nonce is only in the cookie',
    );
    const lure = await signIn(eveFlow.authorizationUrl, GOOGLE_DEMO_USER.email);

    // Ada's browser without any flow cookie, then with her own (from a sign-in she started herself): a plain 400 page.
    const ada = await startFlow(platform, token, 'google', { families: ['mail'] });
    for (const cookie of [undefined, ada.cookie]) {
      const refused = await openCallback(lure, cookie);
      assert.equal(refused.status, 400);
      assert.match(refused.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await refused.text(), /not started in this browser/);
      assert.match(refused.headers.getSetCookie().join('\n'), /^connect_flow_google=; .*max-age=0/m);
    }
    const eveTenant = ((await (await platform.api('/me', { token: eve })).json()) as { tenantId: string }).tenantId;
    assert.deepEqual(
      await services.connectorService().list(eveTenant),
      [],
      'nothing was connected into the other tenant',
    );

    // A second start in the same browser keeps its nonce, so an earlier sign-in in another tab stays valid.
    const again = await startFlow(platform, eve, 'google', { families: ['mail'] }, eveFlow.cookie);
    assert.equal(again.cookie, eveFlow.cookie);
    // The refused attempts did not use up Eve's state: in her own browser it still ends (here: she declines).
    const declined = await openCallback(
      `${lure.split('?')[0]}?error=access_denied&state=${encodeURIComponent(new URL(lure).searchParams.get('state')!)}`,
      eveFlow.cookie,
    );
    assert.equal(declined.status, 403);
    assert.equal((await openCallback(lure, eveFlow.cookie)).status, 409);
  });

  it('refuses tampered state and shows denied consent as a page', async () => {
    const { authorizationUrl, cookie } = await startFlow(platform, token, 'google', { families: ['mail'] });
    const url = new URL(authorizationUrl);
    const state = url.searchParams.get('state')!;
    const base = `${platform.apiUrl}/connectors/google/callback`;
    const tampered = await openCallback(
      `${base}?code=abc&state=${encodeURIComponent(state.slice(0, -2) + 'xx')}`,
      cookie,
    );
    assert.equal(tampered.status, 400);
    assert.match(await tampered.text(), /not valid/);
    const denied = await openCallback(`${base}?error=access_denied&state=${encodeURIComponent(state)}`, cookie);
    assert.equal(denied.status, 403);
    assert.match(await denied.text(), /did not give access/);
    // The denied state was used up.
    const late = await openCallback(`${base}?code=abc&state=${encodeURIComponent(state)}`, cookie);
    assert.equal(late.status, 409);
    const missing = await fetch(`${base}`, { redirect: 'manual' });
    assert.equal(missing.status, 400);
    const badProvider = await api('/connectors/yahoo/authorize', { method: 'POST', json: {} });
    assert.equal(badProvider.status, 400);
    const badScope = await api('/connectors/google/authorize', {
      method: 'POST',
      json: { scopes: ['launch.missiles'] },
    });
    assert.equal(badScope.status, 400);
  });

  it('asks only for the scopes of what is requested (pack scopes map to families)', async () => {
    const body = { scopes: ['https://www.googleapis.com/auth/gmail.readonly'] };
    const start = await startFlow(platform, token, 'google', body);
    const issued = (await (await api('/connectors/google/authorize', { method: 'POST', json: body })).json()) as {
      families: string[];
    };
    assert.deepEqual(issued.families, ['mail']);
    const scope = new URL(start.authorizationUrl).searchParams.get('scope')!;
    assert.match(scope, /gmail\.readonly/);
    assert.doesNotMatch(scope, /gmail\.(modify|send)/, 'read-only while no installed agent sends or writes');
    assert.doesNotMatch(scope, /calendar|drive/);
    assert.equal(new URL(start.authorizationUrl).searchParams.get('code_challenge_method'), 'S256');
    // Incremental consent on an existing connection keeps what it has and adds what is asked.
    const extend = await startTicket(platform, token, 'google', { families: ['mail'], connectorId });
    const extended = (await extend.response.json()) as { families: string[] };
    assert.deepEqual(extended.families.sort(), ['calendar', 'files', 'mail']);
    const extendPage = await postTicket(extend.startUrl, extend.ticket, { origin: webOrigin(platform) });
    const extendScopes = new URL(continueUrlOf(await extendPage.text())).searchParams.get('scope')!.split(' ');
    assert.ok(
      !extendScopes.some((s) => /gmail\.(send|modify)$|calendar\.events$|drive\.file$/.test(s)),
      'no write scope while no agent writes',
    );
    const foreign = await platform.api('/connectors/google/authorize', {
      method: 'POST',
      token: await platform.token('eve@example.com'),
      json: { connectorId },
    });
    assert.equal(foreign.status, 404);
  });

  it('asks to send only while an agent that sends is installed, and stops asking once it is removed', async () => {
    const scopesAsked = async () => {
      const url = new URL((await startFlow(platform, token, 'google', { connectorId })).authorizationUrl);
      return {
        scope: url.searchParams.get('scope')!.split(' '),
        incremental: url.searchParams.has('include_granted_scopes'),
      };
    };
    const created = await api('/agents', { method: 'POST', json: { templateId: 'reply-drafter', name: 'Replies' } });
    assert.equal(created.status, 201, await created.clone().text());
    const agent = (await created.json()) as { id: string };
    const withSender = await scopesAsked();
    assert.ok(withSender.scope.includes('https://www.googleapis.com/auth/gmail.send'));
    assert.ok(!withSender.scope.includes('https://www.googleapis.com/auth/calendar.events'), 'it writes no calendar');
    assert.ok(withSender.scope.includes('https://www.googleapis.com/auth/calendar.events.readonly'));
    // Consent with the sender installed: the connection now holds the send scope.
    await consent(platform, token, 'google', GOOGLE_DEMO_USER.email, { connectorId });
    const held = (await (await api(`/connectors/${connectorId}`)).json()) as { scopes: string[] };
    assert.ok(held.scopes.includes('https://www.googleapis.com/auth/gmail.send'), JSON.stringify(held.scopes));

    assert.equal((await api(`/agents/${agent.id}`, { method: 'DELETE' })).status, 204);
    const withoutSender = await scopesAsked();
    assert.ok(!withoutSender.scope.some((s) => /gmail\.(send|modify)$/.test(s)), withoutSender.scope.join(' '));
    assert.equal(withoutSender.incremental, false, 'Google must not add back the scopes granted before');
    await consent(platform, token, 'google', GOOGLE_DEMO_USER.email, { connectorId });
    const after = (await (await api(`/connectors/${connectorId}`)).json()) as { scopes: string[] };
    assert.ok(!after.scopes.some((s) => /gmail\.(send|modify)$/.test(s)), JSON.stringify(after.scopes));
  });

  it('Gmail: list, get, draft, send in thread (once per key), label, archive and undo', async () => {
    const mail = await services.connectors().mail(tenantId, connectorId);
    const page = await mail.listMessages({ limit: 5 });
    assert.equal(page.items.length, 5);
    assert.ok(page.nextCursor, 'more than one page of inbox mail');
    const next = await mail.listMessages({ limit: 5, cursor: page.nextCursor! });
    assert.ok(next.items.length > 0);
    assert.ok(!next.items.some((m) => page.items.some((p) => p.id === m.id)));

    const recent = await mail.listMessages({ since: new Date(Date.now() - 12 * 3_600_000).toISOString(), limit: 50 });
    assert.deepEqual(recent.items.map((m) => m.subject).sort(), [
      'Can you review the Q3 budget draft?',
      'Proposal timeline for the Contoso rollout',
      'This week: 7 ideas for calmer roadmaps',
    ]);
    assert.equal((await mail.listMessages({ label: 'Newsletters' })).items.length, 1);
    const threads = await mail.listThreads({ limit: 3 });
    assert.equal(threads.items.length, 3);
    assert.ok(threads.items.every((t) => t.messages.length >= 1 && t.subject));

    const search = await mail.listMessages({ text: 'rollout' });
    const proposal = search.items.find((m) => m.subject.startsWith('Proposal timeline'));
    assert.ok(proposal, 'search finds the proposal mail');
    assert.equal(proposal.from.email, 'david.okafor@contoso.example');
    assert.equal(proposal.unread, true);

    const review = (await mail.listMessages({ text: 'budget draft' })).items.find((m) =>
      m.subject.includes('Q3 budget'),
    )!;
    const full = await mail.getMessage(review.id);
    assert.match(full.text, /travel and tooling lines/);
    assert.doesNotMatch(full.text, /Send it over when it is ready/, 'quoted history is trimmed');
    assert.equal(full.truncated, true);
    const newsletter = (await mail.listMessages({ text: 'calmer roadmaps' })).items[0]!;
    const html = await mail.getMessage(newsletter.id);
    assert.match(html.text, /seven ideas/i);
    assert.doesNotMatch(html.text, /<b>|<p>/, 'HTML becomes text');
    assert.ok(html.labels.includes('Newsletters'));

    const draft = await mail.createDraftReply({
      messageId: proposal.id,
      threadId: proposal.threadId,
      to: [proposal.from.email],
      subject: proposal.subject,
      body: 'Draft: timeline follows.',
    });
    assert.equal(draft.threadId, proposal.threadId);
    await mail.deleteDraft(draft.draftId);
    await mail.deleteDraft(draft.draftId); // undo twice is harmless

    const reply = {
      messageId: proposal.id,
      threadId: proposal.threadId,
      to: [proposal.from.email],
      subject: proposal.subject,
      body: 'Hi David, the revised timeline is attached.',
      idempotencyKey: 'suggestion-1:send',
    };
    const sent = await mail.sendReply(reply);
    assert.equal(sent.alreadySent, false);
    assert.equal(sent.threadId, proposal.threadId);
    const again = await mail.sendReply(reply);
    assert.equal(again.alreadySent, true, 'a retried send does not send twice');
    assert.equal(again.id, sent.id);
    const thread = await mail.getThread(proposal.threadId);
    assert.equal(
      thread.messages.filter((m) => m.subject === 'Re: Proposal timeline for the Contoso rollout').length,
      1,
    );

    await mail.addLabels([proposal.id], ['Clients/Contoso']);
    assert.ok((await mail.getMessage(proposal.id)).labels.includes('Clients/Contoso'));
    await mail.removeLabels([proposal.id], ['Clients/Contoso']);
    assert.ok(!(await mail.getMessage(proposal.id)).labels.includes('Clients/Contoso'));

    await mail.archive([newsletter.id]);
    assert.ok(!(await mail.getMessage(newsletter.id)).labels.includes('INBOX'));
    assert.ok(!(await mail.listMessages({ limit: 100 })).items.some((m) => m.id === newsletter.id));
    await mail.unarchive([newsletter.id]);
    assert.ok((await mail.getMessage(newsletter.id)).labels.includes('INBOX'));

    await assert.rejects(mail.getMessage('does-not-exist'), (err: Error & { status?: number }) => err.status === 404);
  });

  it('Calendar: list a window, free/busy, create and delete', async () => {
    const calendar = await services.connectors().calendar(tenantId, connectorId);
    const now = Date.now();
    const window = { from: new Date(now).toISOString(), to: new Date(now + 72 * 3_600_000).toISOString() };
    const events = await calendar.listEvents(window);
    assert.ok(
      events.items.some(
        (e) =>
          e.title === 'Contoso rollout review' && e.attendees.some((a) => a.email === 'david.okafor@contoso.example'),
      ),
    );
    const busy = await calendar.freeBusy(window.from, window.to);
    assert.ok(busy.length >= 3);

    const start = new Date(now + 100 * 3_600_000);
    const created = await calendar.createEvent({
      title: 'Fabrikam integration kickoff',
      start: start.toISOString(),
      end: new Date(start.getTime() + 45 * 60_000).toISOString(),
      timeZone: 'Europe/Berlin',
      attendees: ['priya@fabrikam.example'],
      description: 'Kickoff',
      idempotencyKey: 'suggestion-2:create',
    });
    assert.equal(created.title, 'Fabrikam integration kickoff');
    const later = {
      from: new Date(now + 99 * 3_600_000).toISOString(),
      to: new Date(now + 102 * 3_600_000).toISOString(),
    };
    assert.ok((await calendar.listEvents(later)).items.some((e) => e.id === created.id));
    await calendar.deleteEvent(created.id);
    assert.ok(!(await calendar.listEvents(later)).items.some((e) => e.id === created.id));
    await calendar.deleteEvent(created.id);
  });

  it('Drive: list and read text; PDFs are a clear "unsupported"', async () => {
    const files = await services.connectors().files(tenantId, connectorId);
    const list = await files.listFiles({ limit: 50 });
    const plan = list.items.find((f) => f.name === 'Contoso rollout plan.md');
    assert.ok(plan);
    const read = await files.readText(plan.id);
    assert.equal(read.supported, true);
    assert.match(read.supported ? read.text : '', /Pilot with the support team/);
    const projects = list.items.find((f) => f.kind === 'folder')!;
    const inFolder = await files.listFiles({ folderId: projects.id });
    const pdf = inFolder.items.find((f) => f.kind === 'pdf')!;
    const created = await files.createDocument({ title: 'Meeting summary', content: 'Decisions: go live in March.' });
    assert.equal(created.kind, 'document');
    assert.equal(created.mimeType, 'application/vnd.google-apps.document');
    assert.ok(
      (await files.listFiles({ limit: 100 })).items.some((f) => f.id === created.id && f.name === 'Meeting summary'),
    );
    const createdText = await files.readText(created.id);
    assert.match(createdText.supported ? createdText.text : '', /go live in March/);
    await files.deleteFile(created.id);
    const unsupported = await files.readText(pdf.id);
    assert.equal(unsupported.supported, false);
    assert.match(unsupported.supported ? '' : unsupported.reason, /PDF/);
  });

  it('snapshots: normalised, deduplicated by hash, read back exactly', async () => {
    const mail = await services.connectors().mail(tenantId, connectorId);
    const page = await mail.listMessages({ limit: 3 });
    const snapshots = services.snapshots();
    const ref = await snapshots.capture(
      tenantId,
      { connectorId, source: 'mail.listMessages', query: { limit: 3 } },
      page.items,
    );
    assert.equal(ref.itemCount, 3);
    const reordered = page.items.map((m) => Object.fromEntries(Object.entries(m).reverse()));
    const again = await snapshots.capture(
      tenantId,
      { connectorId, source: 'mail.listMessages', query: { limit: 3 } },
      reordered,
    );
    assert.equal(again.snapshotId, ref.snapshotId, 'same content, same snapshot');
    const read = await snapshots.read(tenantId, ref.snapshotId);
    assert.deepEqual(read.data, JSON.parse(JSON.stringify(page.items)));
    assert.equal(read.source, 'mail.listMessages');
    const blobs = await services.blobs().list(tenantId, 'snapshots/');
    assert.equal(blobs.filter((b) => b.path.includes(ref.hash)).length, 1);
    await assert.rejects(
      snapshots.read('someone-else', ref.snapshotId),
      (err: Error & { status?: number }) => err.status === 404,
    );
    // Past its retention a snapshot is gone, even where the store does not expire documents by itself.
    const later = createSnapshotStore({
      store: services.cosmos(),
      blobs: services.blobs,
      clock: { now: () => new Date(Date.now() + 31 * 86_400_000) },
      retentionDays: 30,
    });
    await assert.rejects(
      later.read(tenantId, ref.snapshotId),
      (err: Error & { status?: number }) => err.status === 404,
    );
  });

  it('refreshes ahead of expiry, once, and shows needs_reauth when the provider refuses', async () => {
    const before = await storedTokens(services, tenantId, connectorId);
    // Access expiring within the refresh window: the next use refreshes it.
    await connectorRecords(services).update(tenantId, connectorId, (doc) => ({
      ...doc,
      accessExpiresAt: new Date(Date.now() + 60_000).toISOString(),
    }));
    assert.equal(((await (await api(`/connectors/${connectorId}`)).json()) as { health: string }).health, 'expiring');
    const [a, b] = await Promise.all([
      services.connectorService().accessToken(tenantId, connectorId),
      services.connectorService().accessToken(tenantId, connectorId),
    ]);
    assert.equal(a, b, 'concurrent callers share one refresh');
    const after1 = await storedTokens(services, tenantId, connectorId);
    assert.notEqual(after1.tokens.accessToken, before.tokens.accessToken);
    assert.equal(after1.tokens.refreshToken, before.tokens.refreshToken);
    const checked = await api(`/connectors/${connectorId}/check`, { method: 'POST' });
    assert.equal(((await checked.json()) as { health: string }).health, 'ok');

    // The person revokes access at Google; the next refresh is refused.
    await fetch(`${platform.settings.GOOGLE_EMULATOR}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: before.tokens.refreshToken! }),
    });
    await connectorRecords(services).update(tenantId, connectorId, (doc) => ({
      ...doc,
      accessExpiresAt: new Date(Date.now() - 1000).toISOString(),
    }));
    const failed = await api(`/connectors/${connectorId}/check`, { method: 'POST' });
    assert.equal(failed.status, 200);
    assert.equal(((await failed.json()) as { health: string }).health, 'needs_reauth');
    await assert.rejects(
      services.connectors().mail(tenantId, connectorId),
      (err: Error & { status?: number }) => err.status === 409,
    );
    const audit = await api('/audit?type=connector');
    const actions = ((await audit.json()) as { items: { action: string }[] }).items.map((i) => i.action);
    assert.ok(actions.includes('connector.refresh_failed'));

    // Reconnecting the same account heals it.
    const { response } = await consent(platform, token, 'google', GOOGLE_DEMO_USER.email);
    assert.equal(response.status, 302);
    const list = (await (await api('/connectors')).json()) as { items: { id: string; health: string }[] };
    assert.deepEqual(
      list.items.map((i) => [i.id, i.health]),
      [[connectorId, 'ok']],
    );
  });

  it('waits for a refresh that another instance holds instead of refreshing too', async () => {
    const service = services.connectorService();
    const before = await storedTokens(services, tenantId, connectorId);
    await connectorRecords(services).update(tenantId, connectorId, (doc) => ({
      ...doc,
      accessExpiresAt: new Date(Date.now() + 30_000).toISOString(),
      refreshLease: { holder: 'another-instance', until: new Date(Date.now() + 20_000).toISOString() },
    }));
    let settled = false;
    const waiting = service.accessToken(tenantId, connectorId).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(settled, false, 'it does not refresh while the lease is held');
    // The other instance finishes: fresh expiry, lease released.
    await connectorRecords(services).update(tenantId, connectorId, ({ refreshLease: _lease, ...doc }) => ({
      ...doc,
      accessExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      lastRefreshedAt: new Date().toISOString(),
    }));
    assert.equal(await waiting, before.tokens.accessToken);
    assert.equal(
      (await storedTokens(services, tenantId, connectorId)).tokens.accessToken,
      before.tokens.accessToken,
      'no second refresh',
    );
  });

  it("another person's connector is invisible", async () => {
    const other = await platform.token('bob@example.com', 'Bob');
    assert.equal((await platform.api(`/connectors/${connectorId}`, { token: other })).status, 404);
    assert.equal((await platform.api(`/connectors/${connectorId}`, { method: 'DELETE', token: other })).status, 404);
    assert.deepEqual(
      ((await (await platform.api('/connectors', { token: other })).json()) as { items: unknown[] }).items,
      [],
    );
  });

  it('the data export lists the connection without its tokens', async () => {
    const { tokens } = await storedTokens(services, tenantId, connectorId);
    const { text } = await exportData(platform, token);
    const exported = JSON.parse(text) as { containers: Record<string, Record<string, unknown>[]> };
    const connector = exported.containers.connectors!.find((c) => c.id === connectorId)!;
    assert.equal(connector.account, GOOGLE_DEMO_USER.email);
    assert.equal('tokens' in connector, false);
    for (const secret of [tokens.accessToken, tokens.refreshToken!]) assert.ok(!text.includes(secret));
  });

  it('disconnects: revoked at the provider, tokens deleted; tokens never appeared anywhere', async () => {
    const { tokens } = await storedTokens(services, tenantId, connectorId);
    const removed = await api(`/connectors/${connectorId}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.equal((await api(`/connectors/${connectorId}`)).status, 404);
    const refresh = await fetch(`${platform.settings.GOOGLE_EMULATOR}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken!,
        client_id: platform.settings.GOOGLE_CLIENT_ID!,
        client_secret: platform.settings.GOOGLE_CLIENT_SECRET!,
      }),
    });
    assert.equal(refresh.status, 400, 'the grant is gone at Google');

    const audit = await api('/audit?limit=100');
    const trail = await audit.text();
    assert.match(trail, /connector\.disconnected/);
    // Nothing the platform keeps on disk (stores, broker journal, durable state) holds a token in clear text.
    const onDisk: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (statSync(path).size < 20_000_000) onDisk.push(`${path}\n${readFileSync(path, 'latin1')}`);
      }
    };
    walk(platform.dataDir);
    assert.ok(onDisk.length > 0);
    const everything = [...seen, trail, platform.logs(), ...onDisk].join('\n');
    for (const secret of [tokens.accessToken, tokens.refreshToken!]) {
      const at = everything.indexOf(secret);
      assert.equal(at, -1, `a token leaked: …${everything.slice(Math.max(0, at - 300), at)}`);
    }
  });
});
