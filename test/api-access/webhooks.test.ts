import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { eventually, startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import { origin, taskProposal } from '../support/suggestion-services';
import { startReceiver } from './receiver';

let p: TestPlatform;
let ana: Person;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const ANA = 'ana.webhooks@example.test';

before(async () => {
  // Retries after 1 s and 4 s, three attempts in all: the backoff of a day, shortened.
  p = await startTestPlatform({ settings: { WEBHOOK_RETRY_FIRST_SECONDS: '1', WEBHOOK_MAX_ATTEMPTS: '3' } });
  ana = await p.person(ANA, 'Ana');
  // More webhooks than the free plan's two.
  await p.services.tenants().setTier(ana.tenantId, 'pro');
  receiver = await startReceiver((req, count) => {
    if (req.path === '/flaky') return { status: count <= 2 ? 503 : 200 };
    if (req.path === '/broken') return { status: 500 };
    return { status: 200 };
  });
});
after(async () => {
  await receiver?.close();
  await p?.platform.stop();
});

async function addWebhook(path: string, events: string[]) {
  const res = await p.json('/webhooks', { token: ana.token, json: { url: receiver.url(path), events } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string; enabled: boolean };
}

const deliveriesOf = (id: string) => p.json(`/webhooks/${id}/deliveries`, { token: ana.token });

describe('webhooks', () => {
  test('a receiver on loopback gets suggestion.created after a run, signed with the secret', async () => {
    const hook = await addWebhook('/created', ['suggestion.created']);
    assert.match(hook.secret, /^whsec_/);
    const listed = await p.json('/webhooks', { token: ana.token });
    assert.ok(!JSON.stringify(listed.body).includes(hook.secret.slice(6)), 'the secret is shown once');

    const run = origin(ana.tenantId);
    const [id] = await p.services.suggestions().propose(run, [taskProposal('Renew the passport')]);
    await eventually(
      async () => receiver.at('/created'),
      (r) => r.length >= 1,
      'the delivery',
    );
    const got = receiver.at('/created')[0]!;
    const payload = new Webhook(hook.secret).verify(got.body, {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    }) as { type: string; timestamp: string; data: Record<string, any> };
    assert.equal(payload.type, 'suggestion.created');
    assert.equal(payload.data.suggestionId, id);
    assert.equal(payload.data.runId, run.runId);
    assert.equal(payload.data.kind, 'task');
    assert.equal(payload.data.status, 'pending');
    assert.match(payload.data.action, /Renew the passport/);
    assert.match(payload.data.links.app, new RegExp(`/suggestions/${id}$`));
    assert.ok(!got.body.includes('You asked to be reminded'), 'no rationale or bodies in the payload');
    assert.throws(() =>
      new Webhook(`whsec_${Buffer.alloc(24, 1).toString('base64')}`).verify(got.body, {
        'webhook-id': String(got.headers['webhook-id']),
        'webhook-timestamp': String(got.headers['webhook-timestamp']),
        'webhook-signature': String(got.headers['webhook-signature']),
      }),
    );
    const deliveries = await eventually(
      () => deliveriesOf(hook.id),
      (r) => r.body.items[0]?.status === 'succeeded',
      'the delivery recorded',
    );
    assert.equal(deliveries.body.items[0].attempts, 1);
    assert.equal(deliveries.body.items[0].responseStatus, 200);
  });

  test('a receiver that fails twice gets the third attempt, with the same webhook-id', async () => {
    const hook = await addWebhook('/flaky', ['suggestion.created']);
    await p.services.suggestions().propose(origin(ana.tenantId), [taskProposal('Pay the plumber')]);
    const done = await eventually(
      () => deliveriesOf(hook.id),
      (r) => r.body.items[0]?.status === 'succeeded',
      'the third attempt to succeed',
      60_000,
    );
    assert.equal(done.body.items[0].attempts, 3);
    const got = receiver.at('/flaky');
    assert.equal(got.length, 3);
    assert.equal(new Set(got.map((r) => r.headers['webhook-id'])).size, 1);
  });

  test('repeated failures turn the webhook off and email the person; redelivery and tests work on demand', async () => {
    const hook = await addWebhook('/broken', ['suggestion.created']);
    await p.services.suggestions().propose(origin(ana.tenantId), [taskProposal('Call the bank')]);
    const failed = await eventually(
      () => deliveriesOf(hook.id),
      (r) => r.body.items[0]?.status === 'failed',
      'the delivery to be given up',
      60_000,
    );
    assert.equal(failed.body.items[0].attempts, 3);
    assert.equal(failed.body.items[0].responseStatus, 500);
    const off = await p.json(`/webhooks/${hook.id}`, { token: ana.token });
    assert.equal(off.body.enabled, false);
    assert.match(off.body.disabledReason, /3 attempts/);
    await eventually(
      () => p.mail(ANA),
      (m) => m.some((x) => /webhook was turned off/.test(x.subject)),
      'the email about the webhook',
    );

    const test1 = await p.json(`/webhooks/${hook.id}/test`, { token: ana.token, method: 'POST' });
    assert.equal(test1.status, 200);
    assert.equal(test1.body.status, 'failed');
    assert.equal(test1.body.responseStatus, 500);

    const on = await p.json(`/webhooks/${hook.id}`, { token: ana.token, method: 'PATCH', json: { enabled: true } });
    assert.equal(on.body.enabled, true);
    const before = receiver.at('/broken').length;
    const again = await p.json(`/webhooks/${hook.id}/deliveries/${failed.body.items[0].id}/redeliver`, {
      token: ana.token,
      method: 'POST',
    });
    assert.equal(again.status, 202);
    await eventually(
      async () => receiver.at('/broken').length,
      (n) => n > before,
      'the redelivery',
    );
  });

  test('bad targets and another person’s webhook', async () => {
    for (const url of ['https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'http://example.com/hook']) {
      const res = await p.json('/webhooks', { token: ana.token, json: { url, events: ['run.failed'] } });
      assert.equal(res.status, 400, url);
      assert.equal(res.body.errors[0].path, 'body.url');
    }
    const res = await p.json('/webhooks', { token: ana.token, json: { url: receiver.url('/x'), events: ['nope'] } });
    assert.equal(res.status, 400);
    const hook = await addWebhook('/mine', ['run.completed']);
    const ben = await p.person('ben.webhooks@example.test');
    assert.equal((await p.json(`/webhooks/${hook.id}`, { token: ben.token })).status, 404);
    assert.equal((await p.json(`/webhooks/${hook.id}/deliveries`, { token: ben.token })).status, 404);
    assert.equal((await p.json(`/webhooks/${hook.id}/test`, { token: ben.token, method: 'POST' })).status, 404);
    assert.equal((await p.platform.api(`/webhooks/${hook.id}`, { token: ben.token, method: 'DELETE' })).status, 404);
    assert.equal((await p.platform.api(`/webhooks/${hook.id}`, { token: ana.token, method: 'DELETE' })).status, 204);
  });
});
