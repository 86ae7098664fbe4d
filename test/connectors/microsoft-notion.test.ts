import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import type { Services } from '../../shared/app/services';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import { cosmosSendLedger } from '../../shared/connectors/send-ledger';
import { startFakeNotion, type FakeNotion } from '../support/fake-notion';
import { connectorRecords, consent, openCallback, servicesOf, startFlow, storedTokens } from '../support/connectors';

describe('Microsoft (emulator) and Notion (fake server) connectors', () => {
  let platform: LocalPlatform;
  let notion: FakeNotion;
  let services: Services;
  let token: string;
  let tenantId: string;

  before(async () => {
    notion = await startFakeNotion();
    platform = await startLocalPlatform({
      services: ['cosmos', 'azurite', 'dev-oidc', 'microsoft-emulator'],
      settings: {
        NOTION_CLIENT_ID: notion.clientId,
        NOTION_CLIENT_SECRET: notion.clientSecret,
        NOTION_AUTH_URL: `${notion.url}/v1/oauth/authorize`,
        NOTION_TOKEN_URL: `${notion.url}/v1/oauth/token`,
        NOTION_REVOKE_URL: `${notion.url}/v1/oauth/revoke`,
        NOTION_API_BASE_URL: notion.url,
        CONNECTOR_MAX_RETRY_DELAY_MS: '3000',
      },
    });
    services = servicesOf(platform);
    token = await platform.token('grace@example.com', 'Grace');
    tenantId = ((await (await platform.api('/me', { token })).json()) as { tenantId: string }).tenantId;
  });
  after(async () => {
    await platform?.stop();
    await notion?.close();
  });

  const connectors = async () =>
    (
      (await (await platform.api('/connectors', { token })).json()) as {
        items: { id: string; provider: string; health: string; account: string; families: string[] }[];
      }
    ).items;

  it('offers Notion once its OAuth client is set up', async () => {
    const { items } = (await (await platform.api('/catalog/providers', { token })).json()) as {
      items: { provider: string; families: string[] }[];
    };
    assert.deepEqual(items.find((p) => p.provider === 'notion')?.families, ['notes']);
  });

  it('Microsoft: connects through Entra-style OAuth; Outlook mail list and reply in thread (once)', async () => {
    const { response } = await consent(platform, token, 'microsoft', MICROSOFT_DEMO_USER.email, {
      families: ['mail', 'calendar', 'files'],
    });
    assert.equal(response.status, 302, await response.clone().text());
    const ms = (await connectors()).find((c) => c.provider === 'microsoft')!;
    assert.equal(ms.account, MICROSOFT_DEMO_USER.email);
    assert.equal(ms.health, 'ok');

    const mail = await services.connectors().mail(tenantId, ms.id);
    const inbox = await mail.listMessages({ limit: 50 });
    const proposal = inbox.items.find((m) => m.subject.startsWith('Proposal timeline'))!;
    assert.ok(proposal, 'seeded mail is listed');
    assert.equal(proposal.from.email, 'david.okafor@contoso.example');
    const recent = await mail.listMessages({ since: new Date(Date.now() - 12 * 3_600_000).toISOString(), limit: 50 });
    assert.ok(recent.items.some((m) => m.id === proposal.id));
    assert.ok(!recent.items.some((m) => m.subject.startsWith('Re: Contract renewal')), 'older mail is left out');
    const page1 = await mail.listMessages({ limit: 2 });
    assert.ok(page1.nextCursor);
    const page2 = await mail.listMessages({ limit: 2, cursor: page1.nextCursor! });
    assert.ok(page2.items.length > 0 && !page2.items.some((m) => page1.items.some((p) => p.id === m.id)));
    const full = await mail.getMessage(proposal.id);
    assert.match(full.text, /revised timeline/);
    assert.equal(full.replyTo, undefined, 'no Reply-To header, no reply-to addresses');
    // A sender who sets Reply-To: the summary carries it (replies go there, not to the sender).
    const { tokens } = await storedTokens(services, tenantId, ms.id);
    const patched = await fetch(`${platform.settings.MICROSOFT_GRAPH_BASE_URL}/v1.0/me/messages/${proposal.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ replyTo: [{ emailAddress: { address: 'projects@contoso.example', name: 'Projects' } }] }),
    });
    assert.equal(patched.status, 200, await patched.clone().text());
    const relisted = (await mail.listMessages({ limit: 50 })).items.find((m) => m.id === proposal.id)!;
    assert.deepEqual(relisted.replyTo, [{ email: 'projects@contoso.example', name: 'Projects' }]);
    const followUp = inbox.items.find((m) => m.subject.startsWith('Re: Contract renewal'))!;
    const trimmed = await mail.getMessage(followUp.id);
    assert.doesNotMatch(trimmed.text, /Let us check the term length/, 'Outlook-style quoted history is trimmed');

    const reply = {
      messageId: proposal.id,
      threadId: proposal.threadId,
      to: [proposal.from.email],
      subject: proposal.subject,
      body: 'Hi David, timeline below.',
      idempotencyKey: 'suggestion-9:send',
    };
    const sent = await mail.sendReply(reply);
    assert.equal(sent.alreadySent, false);
    assert.equal(sent.threadId, proposal.threadId);
    assert.equal((await mail.sendReply(reply)).alreadySent, true);
    const thread = await mail.getThread(proposal.threadId);
    assert.equal(thread.messages.filter((m) => m.subject.startsWith('Re:')).length, 1);

    // A send interrupted after its draft was made (crash before the send): the retry sends that draft, once.
    const review = inbox.items.find((m) => m.subject.startsWith('Can you review'))!;
    const ledger = cosmosSendLedger(services.cosmos(), tenantId, ms.id);
    const draft = await mail.createDraftReply({
      messageId: review.id,
      threadId: review.threadId,
      to: [review.from.email],
      subject: review.subject,
      body: 'Looks good to me.',
    });
    await ledger.put('suggestion-10:send', { state: 'sending', draftId: draft.draftId });
    const resumed = await mail.sendReply({
      messageId: review.id,
      threadId: review.threadId,
      to: [review.from.email],
      subject: review.subject,
      body: 'Looks good to me.',
      idempotencyKey: 'suggestion-10:send',
    });
    assert.equal(resumed.alreadySent, false);
    assert.equal(resumed.id, draft.draftId, 'the existing draft went out');
    const reviewThread = await mail.getThread(review.threadId);
    assert.equal(reviewThread.messages.filter((m) => m.subject.startsWith('Re:')).length, 1);
    // Interrupted after the send, before it was recorded: nothing goes out again.
    await ledger.put('suggestion-10:send', { state: 'sending', draftId: draft.draftId });
    assert.equal(
      (
        await mail.sendReply({
          messageId: review.id,
          threadId: review.threadId,
          to: [review.from.email],
          subject: review.subject,
          body: 'Looks good to me.',
          idempotencyKey: 'suggestion-10:send',
        })
      ).alreadySent,
      true,
    );
    assert.equal((await mail.getThread(review.threadId)).messages.filter((m) => m.subject.startsWith('Re:')).length, 1);

    await mail.addLabels([proposal.id], ['Clients']);
    assert.ok((await mail.getMessage(proposal.id)).labels.includes('Clients'));
    await mail.archive([proposal.id]);
    assert.ok(!(await mail.listMessages({ limit: 100 })).items.some((m) => m.id === proposal.id));
    await mail.unarchive([proposal.id]);
    assert.ok((await mail.listMessages({ limit: 100 })).items.some((m) => m.id === proposal.id));
  });

  it('Microsoft: calendar create/list/delete and OneDrive list/read', async () => {
    const ms = (await connectors()).find((c) => c.provider === 'microsoft')!;
    const calendar = await services.connectors().calendar(tenantId, ms.id);
    const start = new Date(Date.now() + 80 * 3_600_000);
    const created = await calendar.createEvent({
      title: 'Kickoff with Fabrikam',
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      timeZone: 'UTC',
      attendees: ['priya@fabrikam.example'],
    });
    assert.equal(created.title, 'Kickoff with Fabrikam');
    assert.equal(created.start, start.toISOString());
    const window = {
      from: new Date(start.getTime() - 60_000).toISOString(),
      to: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
    };
    assert.ok((await calendar.listEvents(window)).items.some((e) => e.id === created.id));
    assert.ok((await calendar.freeBusy(window.from, window.to)).length >= 1);
    await calendar.deleteEvent(created.id);
    assert.ok(!(await calendar.listEvents(window)).items.some((e) => e.id === created.id));

    const files = await services.connectors().files(tenantId, ms.id);
    const list = await files.listFiles({});
    const notes = list.items.find((f) => f.name === 'Q3 budget notes.txt')!;
    assert.ok(notes);
    const read = await files.readText(notes.id);
    assert.equal(read.supported, true);
    assert.match(read.supported ? read.text : '', /Tooling: 9,500 EUR/);
    const doc = await files.createDocument({ title: 'Rollout: summary?', content: '# Summary\n\nGo live in March.' });
    assert.equal(doc.name, 'Rollout summary.md');
    const back = await files.readText(doc.id);
    assert.match(back.supported ? back.text : '', /Go live in March/);
    await files.deleteFile(doc.id);
    assert.ok(!(await files.listFiles({})).items.some((f) => f.id === doc.id));
  });

  it('Notion: connect, search, read a page, create and archive a page; Retry-After is honoured', async () => {
    const { authorizationUrl, cookie, issued } = await startFlow(platform, token, 'notion');
    const { families } = issued;
    assert.deepEqual(families, ['notes']);
    const consented = await fetch(authorizationUrl, { redirect: 'manual' });
    const done = await openCallback(consented.headers.get('location')!, cookie);
    assert.equal(done.status, 302, await done.clone().text());
    const conn = (await connectors()).find((c) => c.provider === 'notion')!;
    assert.equal(conn.account, 'Acme Workspace');

    const notes = await services.connectors().notes(tenantId, conn.id);
    notion.failNext('/v1/search', 429, '1');
    const began = Date.now();
    const found = await notes.search({ text: 'planning' });
    assert.ok(Date.now() - began >= 900, 'waited as Retry-After asked');
    assert.equal(found.items[0]!.title, 'Weekly planning notes');
    notion.failNext('/v1/blocks/', 503);
    const page = await notes.readPage(found.items[0]!.id);
    assert.match(page.text, /# Priorities/);
    assert.match(page.text, /- \[x\] Review Q3 budget/);
    assert.match(page.text, /Line 120/, 'block children are paged to the end');

    const created = await notes.createPage({
      title: 'Meeting summary',
      content: '# Decisions\n\nGo live in March.\n\n- Train support in week 2',
    });
    const stored = notion.pages.get(created.id)!;
    assert.equal(stored.title, 'Meeting summary');
    assert.deepEqual(
      stored.blocks.map((b) => b.type),
      ['heading_1', 'paragraph', 'bulleted_list_item'],
    );
    await notes.archivePage(created.id);
    assert.equal(notion.pages.get(created.id)!.in_trash, true);
    await assert.rejects(
      notes.readPage('00000000-0000-0000-0000-000000000000'),
      (err: Error & { status?: number }) => err.status === 404,
    );
    await assert.rejects(
      services.connectors().mail(tenantId, conn.id),
      (err: Error & { status?: number }) => err.status === 409,
    );
  });

  it("a connection beyond the plan's limit is refused with a clear page and nothing is kept", async () => {
    assert.equal((await connectors()).length, 2);
    const { response } = await consent(platform, token, 'microsoft', 'testuser@outlook.com', { families: ['mail'] });
    assert.equal(response.status, 429);
    assert.match(await response.text(), /Nothing was connected/);
    assert.equal((await connectors()).length, 2);
  });

  it('Notion: a token refused by the provider shows as revoked; disconnect revokes and deletes', async () => {
    const conn = (await connectors()).find((c) => c.provider === 'notion')!;
    const { tokens } = await storedTokens(services, tenantId, conn.id);
    // Access withdrawn at the provider (no refresh token for Notion): the live check marks it.
    notion.revoked.add(tokens.accessToken);
    await fetch(`${notion.url}/v1/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: tokens.accessToken }),
    });
    const checked = await platform.api(`/connectors/${conn.id}/check`, { method: 'POST', token });
    assert.equal(((await checked.json()) as { health: string }).health, 'revoked');

    const ms = (await connectors()).find((c) => c.provider === 'microsoft')!;
    const msTokens = (await storedTokens(services, tenantId, ms.id)).tokens;
    for (const c of [conn, ms])
      assert.equal((await platform.api(`/connectors/${c.id}`, { method: 'DELETE', token })).status, 204);
    assert.deepEqual(await connectors(), []);
    const refresh = await fetch(`${platform.settings.MICROSOFT_EMULATOR}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: msTokens.refreshToken! }),
    });
    assert.equal(refresh.status, 400, 'the Microsoft grant was revoked');
    const logs = platform.logs();
    for (const secret of [tokens.accessToken, msTokens.accessToken, msTokens.refreshToken!])
      assert.ok(!logs.includes(secret));
  });

  it('erasure revokes every connection at the provider and removes it', async () => {
    const { authorizationUrl, cookie } = await startFlow(platform, token, 'notion');
    const consented = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal((await openCallback(consented.headers.get('location')!, cookie)).status, 302);
    const conn = (await connectors()).find((c) => c.provider === 'notion')!;
    const { tokens } = await storedTokens(services, tenantId, conn.id);
    assert.equal(await services.connectorService().eraseTenant(tenantId), 1);
    assert.ok(notion.revoked.has(tokens.accessToken));
    assert.deepEqual(await connectors(), []);
  });

  it('tokens sealed with a key this installation does not have mean "reconnect", not an error', async () => {
    const { authorizationUrl, cookie } = await startFlow(platform, token, 'notion');
    const consented = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal((await openCallback(consented.headers.get('location')!, cookie)).status, 302);
    const conn = (await connectors()).find((c) => c.provider === 'notion')!;
    await connectorRecords(services).update(tenantId, conn.id, (doc) => ({
      ...doc,
      tokens: { ...doc.tokens, keyId: 'file:retired-key' },
    }));
    const checked = await platform.api(`/connectors/${conn.id}/check`, { method: 'POST', token });
    assert.equal(checked.status, 200);
    assert.equal(((await checked.json()) as { health: string }).health, 'needs_reauth');
  });
});
