import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmtpSinkService } from '../../local/services/smtp-sink';
import type { EmbeddedService } from '../../local/services/types';
import { nextLocalHour } from '../../shared/communications/notifier';
import { linksIn, type SinkMessage } from '../support/platform';
import { origin, startSuggestionServices, taskProposal } from '../support/suggestion-services';

let sink: EmbeddedService;
let ctx: Awaited<ReturnType<typeof startSuggestionServices>>;

/** Mail the sink received for `to`, newest first (through its JSON view, as a test on the runtime reads it). */
async function mailFor(to: string): Promise<SinkMessage[]> {
  let status = 0;
  let body = '';
  const res = {
    writeHead(s: number) {
      status = s;
      return res;
    },
    end(b: string) {
      body = b;
    },
  };
  await sink.handle!(
    { method: 'GET' } as never,
    res as never,
    new URL(`http://local/dev/mail/messages.json?to=${encodeURIComponent(to)}`),
  );
  assert.equal(status, 200);
  return (JSON.parse(body) as { items: SinkMessage[] }).items;
}

before(async () => {
  sink = (await createSmtpSinkService({
    dataDir: mkdtempSync(join(tmpdir(), 'sink-')),
    publicOrigin: 'http://localhost:1',
    // Any free port, picked by the system while binding.
    bindPorts: (usual, bind) => bind(Object.fromEntries(Object.keys(usual).map((key) => [key, 0])) as typeof usual),
    log: () => {},
    settings: {},
  }))!;
  ctx = await startSuggestionServices({
    ...sink.env,
    // The limit's former name, as a deployment that set it before it counted emails still has it.
    TIER_LIMITS: '{"free":{"approvalLinksPerDay":3}}',
  });
  // Saturday 28 March 2026, 10:00 UTC: Paris moves to summer time during the coming night.
  ctx.clock.advance(Date.parse('2026-03-28T10:00:00Z') - ctx.clock.now().getTime());
});
after(async () => {
  await ctx.stop();
  await sink.stop();
});

async function person(id: string, notifications: { mode: 'immediate' | 'digest' | 'off'; digestHour?: number }) {
  const email = `${id}@people.test`;
  const tenantId = `tenant-${id}`;
  await ctx.services.tenants().ensure({ tenantId, issuer: 'https://issuer.test', subject: id, email, name: id });
  await ctx.services.tenants().update(tenantId, { timezone: 'Europe/Paris', notifications });
  return { tenantId, email };
}

describe('notification emails', () => {
  test("the next digest time follows the person's zone across a DST change", () => {
    const now = new Date('2026-03-28T10:00:00Z');
    assert.equal(nextLocalHour(now, 8, 'Europe/Paris').toISOString(), '2026-03-29T06:00:00.000Z');
    assert.equal(nextLocalHour(now, 12, 'Europe/Paris').toISOString(), '2026-03-28T11:00:00.000Z');
    assert.equal(nextLocalHour(now, 8, 'Not/AZone').toISOString(), '2026-03-29T08:00:00.000Z');
  });

  test('immediate: one email per run with approve/reject links, counted per email until the daily allowance is used up', async () => {
    const p = await person('immediate', { mode: 'immediate' });
    const run = origin(p.tenantId);
    await ctx.services.suggestions().propose(run, [taskProposal('One'), taskProposal('Two'), taskProposal('Three')]);
    assert.equal(await ctx.services.notifier().suggestionsCreated(p.tenantId, run.runId), 'sent');
    assert.equal(
      await ctx.services.notifier().suggestionsCreated(p.tenantId, run.runId),
      'skipped',
      'a second event of the run sends nothing',
    );
    const [first] = await mailFor(p.email);
    assert.equal(first!.subject, '3 suggestions need your approval');
    assert.equal(linksIn(first!.text).approve.length, 3);
    assert.equal(linksIn(first!.text).reject.length, 3);
    assert.match(first!.html, /Unsubscribe<\/a>/);
    const afterOne = await ctx.services.usage().report(p.tenantId);
    assert.equal(afterOne.limits.approvalEmailsPerDay.used, 1, 'six links in one email count as one email');
    assert.equal(afterOne.limits.approvalEmailsPerDay.max, 3);

    // Two more emails of three suggestions each fill the allowance of 3 emails (9 suggestions, 18 links).
    for (let i = 0; i < 2; i++) {
      const more = origin(p.tenantId);
      await ctx.services
        .suggestions()
        .propose(more, [taskProposal(`A${i}`), taskProposal(`B${i}`), taskProposal(`C${i}`)]);
      assert.equal(await ctx.services.notifier().suggestionsCreated(p.tenantId, more.runId), 'sent');
      assert.equal(linksIn((await mailFor(p.email))[0]!.text).approve.length, 3, `email ${i + 2} carries its links`);
    }
    const full = await ctx.services.usage().report(p.tenantId);
    assert.equal(full.limits.approvalEmailsPerDay.used, 3);
    assert.equal(full.today.approvalEmails, 3);

    // The fourth email of the day still goes out, pointing to the app instead of carrying links.
    const fourth = origin(p.tenantId);
    await ctx.services.suggestions().propose(fourth, [taskProposal('Four')]);
    assert.equal(await ctx.services.notifier().suggestionsCreated(p.tenantId, fourth.runId), 'sent');
    const mails = await mailFor(p.email);
    assert.equal(mails.length, 4);
    assert.equal(linksIn(mails[0]!.text).approve.length, 0);
    assert.match(mails[0]!.text, /Open in the app: http/);
    assert.equal((await ctx.services.usage().report(p.tenantId)).limits.approvalEmailsPerDay.used, 3);
  });

  test("digest: queued, then one email at the person's digest hour", async () => {
    const p = await person('digest', { mode: 'digest', digestHour: 8 });
    const run = origin(p.tenantId);
    await ctx.services.suggestions().propose(run, [taskProposal('Read later'), taskProposal('And this')]);
    assert.equal(await ctx.services.notifier().suggestionsCreated(p.tenantId, run.runId), 'queued');
    assert.equal(await ctx.services.notifier().sendDueDigests(), 0, 'not yet 08:00 in Paris');
    assert.equal((await mailFor(p.email)).length, 0);
    ctx.clock.advance(Date.parse('2026-03-29T06:00:30Z') - ctx.clock.now().getTime());
    assert.equal(await ctx.services.notifier().sendDueDigests(), 1);
    assert.equal(await ctx.services.notifier().sendDueDigests(), 0, 'sent once');
    const [digest] = await mailFor(p.email);
    assert.equal(digest!.subject, 'Daily digest: 2 suggestions waiting for you');
  });

  test('off: nothing is sent', async () => {
    const p = await person('quiet', { mode: 'off' });
    const run = origin(p.tenantId);
    await ctx.services.suggestions().propose(run, [taskProposal('Silent')]);
    assert.equal(await ctx.services.notifier().suggestionsCreated(p.tenantId, run.runId), 'skipped');
    assert.equal(
      await ctx.services.notifier().runFailed(p.tenantId, {
        runId: 'r',
        target: { type: 'agent', id: 'a', name: 'Triage' },
        at: ctx.clock.now().toISOString(),
        failure: { kind: 'other', reason: 'x' },
      }),
      false,
    );
    assert.equal((await mailFor(p.email)).length, 0);
  });
});
