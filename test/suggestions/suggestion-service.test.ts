import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type AppError, ConflictError, ValidationError } from '../../shared/platform/errors';
import { origin, replyProposal, startSuggestionServices, taskProposal } from '../support/suggestion-services';

let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;

before(async () => {
  ctx = await startSuggestionServices();
  await ctx.services
    .tenants()
    .ensure({ tenantId: 'tenant-a', issuer: 'https://issuer.test', subject: 'a', email: 'me@home.test', name: 'Alex' });
});
after(() => ctx.stop());

const web = { source: 'web' as const, actorId: 'a' };

describe('proposals', () => {
  test('a run stores each proposal once, pending, with an exact preview and risk flags', async () => {
    const o = origin('tenant-a');
    const proposals = [replyProposal(['ana@elsewhere.test']), taskProposal('Book the dentist')];
    const ids = await ctx.services.suggestions().propose(o, proposals);
    const again = await ctx.services.suggestions().propose(o, proposals);
    assert.deepEqual(again, ids, 'a retried run stores nothing new');
    const page = await ctx.services.suggestions().list('tenant-a', { runId: o.runId, limit: 10 });
    assert.equal(page.items.length, 2);
    const reply = await ctx.services.suggestions().get('tenant-a', ids[0]!);
    assert.equal(reply.status, 'pending');
    assert.equal(reply.preview.action, 'Send a reply to ana@elsewhere.test');
    assert.equal(reply.preview.body, 'Thursday works for me.');
    assert.deepEqual(
      reply.riskFlags.map((f) => f.code),
      ['external-recipients'],
      'mail as a source is no flag by itself: every reply has one',
    );
    const created = ctx.capture.events.filter(
      (e) => e.type === 'SuggestionCreated' && ids.includes(String(e.data.suggestionId)),
    );
    assert.equal(
      new Set(created.map((e) => e.id)).size,
      2,
      'one SuggestionCreated id per suggestion, even when re-published',
    );
  });

  test('the steps of one run (in parallel too) get their own ids under the real run id; a retried step adds nothing', async () => {
    const run = origin('tenant-a');
    const [digest, followUps, coordinator] = ['digest', 'follow-ups', 'coordinator'].map((stepId) => ({
      ...run,
      stepId,
    }));
    const proposed = await Promise.all([
      ctx.services.suggestions().propose(digest!, [taskProposal('Digest A'), taskProposal('Digest B')]),
      ctx.services.suggestions().propose(followUps!, [taskProposal('Chase Ana'), taskProposal('Chase Ben')]),
      ctx.services.suggestions().propose(coordinator!, [taskProposal('Weekly review')]),
    ]);
    const all = proposed.flat();
    assert.equal(new Set(all).size, 5, 'no clashes between steps at the same position');
    assert.deepEqual(
      await ctx.services.suggestions().propose(followUps!, [taskProposal('Chase Ana'), taskProposal('Chase Ben')]),
      proposed[1],
    );

    const byRun = await ctx.services.suggestions().list('tenant-a', { runId: run.runId, limit: 10 });
    assert.deepEqual(new Set(byRun.items.map((s) => s.id)), new Set(all), 'the run id finds every step, exactly five');
    const chase = await ctx.services.suggestions().get('tenant-a', proposed[1]![0]!);
    assert.deepEqual([chase.origin.runId, chase.origin.stepId], [run.runId, 'follow-ups']);
    const created = ctx.capture.events.find((e) => e.type === 'SuggestionCreated' && e.data.suggestionId === chase.id);
    assert.deepEqual([created?.data.runId, created?.data.stepId], [run.runId, 'follow-ups']);

    // The filter is an exact match: neither a longer run id nor a step-suffixed one finds these.
    assert.equal(
      (await ctx.services.suggestions().list('tenant-a', { runId: run.runId.slice(0, -1), limit: 10 })).items.length,
      0,
    );
    const longer = origin('tenant-a', `${run.runId}:digest`);
    await ctx.services.suggestions().propose(longer, [taskProposal('Another run')]);
    assert.equal((await ctx.services.suggestions().list('tenant-a', { runId: run.runId, limit: 10 })).items.length, 5);
  });

  test('an invalid proposal is refused with the field that is wrong', async () => {
    await assert.rejects(
      ctx.services.suggestions().propose(origin('tenant-a'), [replyProposal(['not-an-address'])]),
      (err: unknown) => err instanceof ValidationError && err.errors.some((e) => e.path.includes('payload.to')),
    );
  });
});

describe('decisions', () => {
  test('20 concurrent approvals: one wins, the others get 409, the action runs once', async () => {
    const [id] = await ctx.services.suggestions().propose(origin('tenant-a'), [taskProposal('Water the plants')]);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        ctx.services
          .suggestions()
          .approve('tenant-a', id!, undefined, { ...web, source: i % 2 ? 'web' : 'email-link' }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      assert.ok((r as PromiseRejectedResult).reason instanceof ConflictError);
    }
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => ctx.services.suggestions().execute('tenant-a', id!)),
    );
    assert.ok(statuses.every((s) => s === 'executed' || s === 'executing'));
    const doc = await ctx.services.suggestions().get('tenant-a', id!);
    assert.equal(doc.status, 'executed');
    const trail = await ctx.services.audit().list('tenant-a', { limit: 50, type: 'suggestion.executed' });
    assert.equal(trail.items.filter((r) => r.target.id === id).length, 1, 'carried out (and audited) once');
  });

  test('edits are validated against the kind, and the edited payload is what gets stored and audited', async () => {
    const [id] = await ctx.services.suggestions().propose(origin('tenant-a'), [replyProposal(['ana@home.test'])]);
    await assert.rejects(
      ctx.services.suggestions().approve('tenant-a', id!, { to: ['nope'] }, web),
      (err: unknown) => err instanceof ValidationError && err.errors.some((e) => e.path.startsWith('edits.to')),
    );
    await assert.rejects(ctx.services.suggestions().approve('tenant-a', id!, { colour: 'red' }, web), ValidationError);
    await assert.rejects(
      ctx.services.suggestions().approve('tenant-a', id!, { threadId: 'other' }, web),
      ValidationError,
    );
    const approved = await ctx.services.suggestions().approve('tenant-a', id!, { body: 'Friday is better.' }, web);
    assert.equal(approved.status, 'approved');
    assert.equal(approved.payload.body, 'Friday is better.');
    assert.equal(approved.proposedPayload?.body, 'Thursday works for me.');
    assert.equal(approved.preview.body, 'Friday is better.');
    assert.equal(approved.decision?.edited, true);
    const [record] = (
      await ctx.services.audit().list('tenant-a', { limit: 5, type: 'suggestion.approved' })
    ).items.filter((r) => r.target.id === id);
    assert.equal((record!.before as { payload: { body: string } }).payload.body, 'Thursday works for me.');
    assert.equal((record!.after as { payload: { body: string } }).payload.body, 'Friday is better.');
  });

  test('a stale version is refused with 412; decided suggestions answer 409', async () => {
    const [id] = await ctx.services.suggestions().propose(origin('tenant-a'), [taskProposal('Call mum')]);
    const first = await ctx.services.suggestions().get('tenant-a', id!);
    await ctx.services.suggestions().reject('tenant-a', id!, 'not now', web, { ifMatch: first._etag });
    await assert.rejects(
      ctx.services.suggestions().approve('tenant-a', id!, undefined, web, { ifMatch: first._etag }),
      (e: unknown) => (e as AppError).status === 412,
    );
    await assert.rejects(
      ctx.services.suggestions().approve('tenant-a', id!, undefined, web),
      (e: unknown) => (e as AppError).status === 409,
    );
    assert.equal((await ctx.services.suggestions().get('tenant-a', id!)).decision?.reason, 'not now');
  });

  test("another tenant's suggestion does not exist for them", async () => {
    const [id] = await ctx.services.suggestions().propose(origin('tenant-a'), [taskProposal('Private')]);
    await assert.rejects(
      ctx.services.suggestions().get('tenant-b', id!),
      (e: unknown) => (e as AppError).status === 404,
    );
    await assert.rejects(
      ctx.services.suggestions().approve('tenant-b', id!, undefined, web),
      (e: unknown) => (e as AppError).status === 404,
    );
  });

  test('bulk approval reports each item: approved, already decided, missing', async () => {
    const ids = await ctx.services
      .suggestions()
      .propose(origin('tenant-a'), [taskProposal('One'), taskProposal('Two'), taskProposal('Three')]);
    await ctx.services.suggestions().reject('tenant-a', ids[2]!, undefined, web);
    const results = await ctx.services
      .suggestions()
      .bulk('tenant-a', [...ids, 'sug_missing'], 'approve', { actorId: 'a', source: 'web' });
    assert.deepEqual(
      results.map((r) => [r.id, r.status, r.suggestionStatus]),
      [
        [ids[0], 200, 'approved'],
        [ids[1], 200, 'approved'],
        [ids[2], 409, 'rejected'],
        ['sug_missing', 404, undefined],
      ],
    );
    const audit = (
      await ctx.services.audit().list('tenant-a', { limit: 20, type: 'suggestion.approved' })
    ).items.filter((r) => ids.includes(r.target.id));
    assert.equal(audit.length, 2);
    assert.ok(audit.every((r) => (r.after as { decisionSource: string }).decisionSource === 'bulk'));
  });

  test('undo within the window; after it, or twice, is refused', async () => {
    const ids = await ctx.services
      .suggestions()
      .propose(origin('tenant-a'), [taskProposal('Undo me'), taskProposal('Too late')]);
    for (const id of ids) {
      await ctx.services.suggestions().approve('tenant-a', id, undefined, web);
      assert.equal(await ctx.services.suggestions().execute('tenant-a', id), 'executed');
    }
    const undone = await ctx.services.suggestions().undo('tenant-a', ids[0]!, { actorId: 'a', source: 'web' });
    assert.equal(undone.status, 'undone');
    await assert.rejects(
      ctx.services.suggestions().undo('tenant-a', ids[0]!, { actorId: 'a', source: 'web' }),
      ConflictError,
    );
    ctx.clock.advance(16 * 60_000);
    await assert.rejects(
      ctx.services.suggestions().undo('tenant-a', ids[1]!, { actorId: 'a', source: 'web' }),
      /time to undo/,
    );
  });

  test('an action the provider refuses for good ends failed, with the reason, audited and published once', async () => {
    const [id] = await ctx.services.suggestions().propose(origin('tenant-a'), [replyProposal(['ana@home.test'])]);
    await ctx.services.suggestions().approve('tenant-a', id!, undefined, web);
    // conn-1 is not a connector of this person: the hub refuses, retrying would not help.
    assert.equal(await ctx.services.suggestions().execute('tenant-a', id!), 'failed');
    assert.equal(await ctx.services.suggestions().execute('tenant-a', id!), 'failed');
    const doc = await ctx.services.suggestions().get('tenant-a', id!);
    assert.match(doc.execution?.error ?? '', /connect/i);
    assert.equal(
      ctx.capture.events.filter((e) => e.type === 'SuggestionFailed' && e.data.suggestionId === id).length,
      1,
    );
    const trail = await ctx.services.audit().list('tenant-a', { limit: 10, type: 'suggestion.failed' });
    assert.equal(trail.items.filter((r) => r.target.id === id && r.outcome === 'failure').length, 1);
  });

  test('expiry: a suggestion past its deadline cannot be approved and expires once', async () => {
    const [id] = await ctx.services
      .suggestions()
      .propose(origin('tenant-a'), [taskProposal('Soon gone', { expiresInSeconds: 60 } as never)]);
    ctx.clock.advance(61_000);
    await assert.rejects(ctx.services.suggestions().approve('tenant-a', id!, undefined, web), /expired/);
    assert.equal(await ctx.services.suggestions().expire('tenant-a', id!), 'expired');
    assert.equal(await ctx.services.suggestions().expire('tenant-a', id!), 'expired');
    const expired = ctx.capture.events.filter((e) => e.type === 'SuggestionExpired' && e.data.suggestionId === id);
    assert.equal(expired.length, 1);
  });
});
