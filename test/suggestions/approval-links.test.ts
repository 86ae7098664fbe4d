import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { origin, startSuggestionServices, taskProposal } from '../support/suggestion-services';

let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;
const tenant = 'tenant-links';

before(async () => {
  ctx = await startSuggestionServices({ APPROVAL_LINK_TTL_SECONDS: '3600' });
});
after(() => ctx.stop());

async function pendingSuggestion(title: string) {
  const [id] = await ctx.services.suggestions().propose(origin(tenant), [taskProposal(title)]);
  return ctx.services.suggestions().get(tenant, id!);
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('email approval links', () => {
  test('looking at a link changes nothing; using it decides once; a replay is refused', async () => {
    const doc = await pendingSuggestion('Look then approve');
    const token = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'approve', 0));
    for (let i = 0; i < 3; i++) {
      const seen = await ctx.services.approvalLinks().inspect(token);
      assert.equal(seen.status, 200);
      assert.equal(seen.decision, 'approve');
    }
    assert.equal((await ctx.services.suggestions().get(tenant, doc.id)).status, 'pending', 'GET changed nothing');
    const used = await ctx.services.approvalLinks().decide(token, 'corr-1');
    assert.equal(used.status, 200);
    assert.equal(used.title, 'Approved');
    const stored = await ctx.services.suggestions().get(tenant, doc.id);
    assert.equal(stored.status, 'approved');
    assert.equal(stored.decision?.source, 'email-link');
    const replay = await ctx.services.approvalLinks().decide(token, 'corr-2');
    assert.equal(replay.status, 410);
    assert.match(replay.title, /already used/);
    assert.equal((await ctx.services.approvalLinks().inspect(token)).status, 410);
    const trail = (await ctx.services.audit().list(tenant, { limit: 10, type: 'suggestion.approved' })).items.filter(
      (r) => r.target.id === doc.id,
    );
    assert.equal(trail.length, 1);
    assert.equal(trail[0]!.source, 'email-link');
  });

  test('the reject link of a suggestion approved elsewhere ends on "already decided" (409)', async () => {
    const doc = await pendingSuggestion('Approved in the app');
    const reject = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'reject', 0));
    await ctx.services.suggestions().approve(tenant, doc.id, undefined, { source: 'web', actorId: 'me' });
    const seen = await ctx.services.approvalLinks().inspect(reject);
    assert.equal(seen.status, 409);
    const used = await ctx.services.approvalLinks().decide(reject, 'c');
    assert.equal(used.status, 409);
    assert.match(used.message, /already approved/);
    assert.equal((await ctx.services.suggestions().get(tenant, doc.id)).status, 'approved');
  });

  test('a changed token is refused (400) and grants nothing', async () => {
    const doc = await pendingSuggestion('Tamper with me');
    const other = await pendingSuggestion('Not linked');
    const token = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'reject', 0));
    const [v, body, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const forged = [
      v,
      Buffer.from(JSON.stringify({ ...claims, decision: 'approve', suggestionId: other.id })).toString('base64url'),
      sig,
    ].join('.');
    for (const bad of [forged, `${token.slice(0, -3)}abc`, 'v1.garbage.more', `${token}x`]) {
      assert.equal((await ctx.services.approvalLinks().inspect(bad)).status, 400, bad);
      assert.equal((await ctx.services.approvalLinks().decide(bad, 'c')).status, 400, bad);
    }
    assert.equal((await ctx.services.suggestions().get(tenant, doc.id)).status, 'pending');
    assert.equal((await ctx.services.suggestions().get(tenant, other.id)).status, 'pending');
  });

  test('an expired link is refused (410) and the suggestion stays pending', async () => {
    const doc = await pendingSuggestion('Old link');
    const token = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'approve', 0));
    ctx.clock.advance(3601_000);
    assert.equal((await ctx.services.approvalLinks().inspect(token)).status, 410);
    const used = await ctx.services.approvalLinks().decide(token, 'c');
    assert.equal(used.status, 410);
    assert.match(used.title, /expired/);
    assert.equal((await ctx.services.suggestions().get(tenant, doc.id)).status, 'pending');
  });

  test('20 concurrent uses of approve links (two links) decide exactly once', async () => {
    const doc = await pendingSuggestion('Race');
    const links = [
      ctx.services.approvalLinks().linkFor(doc, 'approve', 0),
      ctx.services.approvalLinks().linkFor(doc, 'approve', 0),
    ].map(tokenOf);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ctx.services.approvalLinks().decide(links[i % 2]!, `c${i}`)),
    );
    assert.equal(outcomes.filter((o) => o.status === 200).length, 1);
    assert.ok(outcomes.every((o) => o.status === 200 || o.status === 409 || o.status === 410));
  });

  test('turning approval links off, or unsubscribing, revokes every link already sent', async () => {
    for (const [name, change] of [
      ['links off', { approvalLinks: false }],
      ['unsubscribed', { mode: 'off' }],
    ] as const) {
      const person = { tenantId: `tenant-epoch-${name.replace(/ /g, '-')}`, issuer: 'test', subject: name };
      const profile = await ctx.services.tenants().ensure(person);
      const epoch = profile.linkEpoch ?? 0;
      const [id] = await ctx.services.suggestions().propose(origin(person.tenantId), [taskProposal(name)]);
      const doc = await ctx.services.suggestions().get(person.tenantId, id!);
      const sent = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'approve', epoch));
      assert.equal((await ctx.services.approvalLinks().inspect(sent)).status, 200);
      await ctx.services.tenants().update(person.tenantId, { notifications: change });
      const refused = await ctx.services.approvalLinks().decide(sent, 'c');
      assert.equal(refused.status, 410, name);
      assert.match(refused.title, /turned off/);
      assert.equal((await ctx.services.suggestions().get(person.tenantId, doc.id)).status, 'pending');
      // Turning links on again does not bring the old ones back; new links work.
      await ctx.services
        .tenants()
        .update(person.tenantId, { notifications: { approvalLinks: true, mode: 'immediate' } });
      assert.equal((await ctx.services.approvalLinks().inspect(sent)).status, 410);
      const current = (await ctx.services.tenants().get(person.tenantId)).linkEpoch ?? 0;
      assert.equal(current, epoch + 1);
      const fresh = tokenOf(ctx.services.approvalLinks().linkFor(doc, 'approve', current));
      assert.equal((await ctx.services.approvalLinks().decide(fresh, 'c')).status, 200);
    }
  });
});
