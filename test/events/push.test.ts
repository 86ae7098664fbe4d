/**
 * Push notifications through the local runtime: Graph change notifications (validation handshake, clientState,
 * duplicates, lifecycle), Gmail pushes through Pub/Sub (Google's OIDC token checked), and the renewal timer.
 * The Microsoft emulator records subscriptions but sends nothing, and Pub/Sub is not local: the tests post what
 * Graph and Pub/Sub would post.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GOOGLE_DEMO_USER } from '../../local/demo-data/google';
import { MICROSOFT_DEMO_USER } from '../../local/demo-data/microsoft';
import { createPushSubscriptionStore } from '../../shared/events/push/subscription-store';
import { connectorRecords, consent } from '../support/connectors';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';
import {
  graphMessageNotification,
  pubSubPush,
  startFakeGoogleSigner,
  subscribeAsGraphWould,
  type FakeGoogleSigner,
} from './push-support';

const AUDIENCE = 'https://agents.example/api/hooks/gmail';
const PUSH_ACCOUNT = 'gmail-push@demo-project.iam.gserviceaccount.com';

let p: TestPlatform;
let google: FakeGoogleSigner;

before(async () => {
  google = await startFakeGoogleSigner();
  p = await startTestPlatform({
    services: ['cosmos', 'azurite', 'dev-oidc', 'google-emulator', 'microsoft-emulator'],
    settings: {
      PUSH_BASE_URL: 'https://agents.example',
      GMAIL_PUSH_TOPIC: 'projects/demo-project/topics/gmail',
      GMAIL_PUSH_AUDIENCE: AUDIENCE,
      GMAIL_PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
      GOOGLE_PUSH_JWKS_URL: google.jwksUrl,
      // Pushes are what these tests post; the poller stays out of the way (its first look is an hour away).
      EVENT_POLL_SECONDS: '3600',
      API_RATE_LIMIT_ENABLED: 'false',
    },
  });
});
after(async () => {
  await p?.platform.stop();
  await google?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  p.platform.api(path, { method: 'POST', json: body, headers });

async function connect(person: Person, provider: 'google' | 'microsoft'): Promise<string> {
  const email = provider === 'google' ? GOOGLE_DEMO_USER.email : MICROSOFT_DEMO_USER.email;
  const { response } = await consent(p.platform, person.token, provider, email, { families: ['mail'] });
  assert.equal(response.status, 302, await response.clone().text());
  const list = await p.json<{ items: { id: string; provider: string }[] }>('/connectors', { token: person.token });
  return list.body.items.find((c) => c.provider === provider)!.id;
}

const runsOf = async (person: Person) =>
  (await p.json<{ items: { id: string; trigger: { type: string } }[] }>('/orchestration/runs', { token: person.token }))
    .body.items;

/** An agent that runs when new mail arrives. */
async function mailAgent(person: Person): Promise<string> {
  const res = await p.json<{ id: string }>('/agents', {
    token: person.token,
    json: { templateId: 'inbox-triage', name: 'Triage on new mail', events: [{ on: 'mail.received' }] },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id;
}

describe('Microsoft Graph change notifications', () => {
  test('the validation handshake echoes the token as text/plain', async () => {
    const token = 'Validation: Token with spaces & symbols <ok>';
    const res = await p.platform.api(`/hooks/graph?validationToken=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), token);
  });

  test('a notification without the subscription secret is refused; with it, one run starts, and its duplicate starts none', async () => {
    const grace = await p.person('grace@example.com', 'Grace');
    const connectorId = await connect(grace, 'microsoft');
    await mailAgent(grace);
    const { subscriptionId, clientState } = await subscribeAsGraphWould(
      p.services,
      grace.tenantId,
      connectorId,
      'mail',
    );
    assert.ok(clientState.length >= 32, 'a random secret per subscription');

    const stored = await createPushSubscriptionStore(p.services.cosmos()).get(grace.tenantId, connectorId, 'mail');
    assert.ok(stored?.secretHash && !JSON.stringify(stored).includes(clientState), 'the secret is stored hashed');

    const wrong = await post('/hooks/graph', graphMessageNotification(subscriptionId, `${clientState}x`, 'm-1'));
    assert.equal(wrong.status, 403);
    const missing = await post('/hooks/graph', {
      value: [{ ...graphMessageNotification(subscriptionId, '', 'm-1').value[0], clientState: undefined }],
    });
    assert.equal(missing.status, 403);
    assert.deepEqual(await runsOf(grace), []);

    // The seam has done its work when Graph gets its answer: the run exists by then.
    const right = graphMessageNotification(subscriptionId, clientState, 'm-1');
    assert.equal((await post('/hooks/graph', right)).status, 202);
    const runs = await runsOf(grace);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.trigger.type, 'event');
    await p.finishedRun(grace, runs[0]!.id);

    // Graph redelivers (no answer in time) or sends the same change twice: nothing more starts.
    assert.equal((await post('/hooks/graph', right)).status, 202);
    assert.equal(
      (await post('/hooks/graph', graphMessageNotification(subscriptionId, clientState, 'm-1'))).status,
      202,
    );
    assert.equal((await runsOf(grace)).length, 1);
  });

  test('lifecycle: a removed subscription is replaced by a new one with a new secret', async () => {
    const store = createPushSubscriptionStore(p.services.cosmos());
    const hana = await p.person('hana@example.com', 'Hana');
    const connectorId = await connect(hana, 'microsoft');
    await mailAgent(hana);
    const { subscriptionId, clientState } = await subscribeAsGraphWould(p.services, hana.tenantId, connectorId, 'mail');
    const before = (await store.get(hana.tenantId, connectorId, 'mail'))!;

    const removed = { value: [{ subscriptionId, clientState, lifecycleEvent: 'subscriptionRemoved' }] };
    assert.equal((await post('/hooks/graph', removed)).status, 202);
    const after = (await store.get(hana.tenantId, connectorId, 'mail'))!;
    assert.equal(after.state, 'active');
    assert.notEqual(after.channelId, subscriptionId);
    assert.notEqual(after.secretHash, before.secretHash);
    // The old subscription's secret no longer opens anything; its notifications are dropped.
    assert.equal(
      (await post('/hooks/graph', graphMessageNotification(subscriptionId, clientState, 'm-9'))).status,
      202,
    );
    assert.deepEqual(await runsOf(hana), []);
  });

  test('the renewal timer renews a subscription near expiry and marks one it cannot renew', async () => {
    const store = createPushSubscriptionStore(p.services.cosmos());
    const ada = await p.person('ada.renewal@example.com', 'Ada');
    const adaConnector = await connect(ada, 'microsoft');
    const bob = await p.person('bob.renewal@example.com', 'Bob');
    const bobConnector = await connect(bob, 'microsoft');
    const carol = await p.person('carol.renewal@example.com', 'Carol');
    const carolConnector = await connect(carol, 'microsoft');
    await mailAgent(ada);
    await mailAgent(bob);
    await subscribeAsGraphWould(p.services, ada.tenantId, adaConnector, 'mail');
    await subscribeAsGraphWould(p.services, bob.tenantId, bobConnector, 'mail');
    // Carol's trigger is gone: nothing needs her channel any more.
    await subscribeAsGraphWould(p.services, carol.tenantId, carolConnector, 'mail');

    // Both expire within the renewal margin; Bob's connection needs reconnecting, so his cannot be renewed.
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    for (const [tenantId, connectorId] of [
      [ada.tenantId, adaConnector],
      [bob.tenantId, bobConnector],
      [carol.tenantId, carolConnector],
    ] as const) {
      const doc = (await store.get(tenantId, connectorId, 'mail'))!;
      await store.save({ ...doc, expiresAt: soon, renewAt: new Date(Date.now() - 1000).toISOString() });
    }
    await connectorRecords(p.services).update(bob.tenantId, bobConnector, (r) => ({ ...r, status: 'needs_reauth' }));
    const adaBefore = (await store.get(ada.tenantId, adaConnector, 'mail'))!;

    const report = await p.services.pushSubscriptions().renewDue(new Date());
    assert.ok(report.renewed + report.restarted >= 1 && report.failed >= 1, JSON.stringify(report));
    assert.ok(report.stopped >= 1, JSON.stringify(report));
    assert.equal(await store.get(carol.tenantId, carolConnector, 'mail'), undefined);

    const adaAfter = (await store.get(ada.tenantId, adaConnector, 'mail'))!;
    assert.equal(adaAfter.state, 'active');
    assert.ok(Date.parse(adaAfter.expiresAt) > Date.now() + 24 * 3600_000, 'a fresh expiry, days ahead');
    assert.ok(adaAfter.renewAt > new Date().toISOString(), 'not due again soon');
    assert.notEqual(adaAfter.updatedAt, adaBefore.updatedAt);

    const bobAfter = (await store.get(bob.tenantId, bobConnector, 'mail'))!;
    assert.equal(bobAfter.state, 'failed');
    assert.match(bobAfter.lastError ?? '', /reconnect/);
    const audit = await p.json<{ items: { action: string; outcome: string; summary: string }[] }>(
      '/audit?type=connector.push',
      { token: bob.token },
    );
    const entry = audit.body.items.find((e) => e.action === 'connector.push.failed');
    assert.ok(entry, JSON.stringify(audit.body));
    assert.match(entry.summary, /polled instead/);

    // The person sees it on the connector: Bob's mail is polled (and why), Ada's is still pushed.
    const pushOf = async (person: Person, connectorId: string) =>
      (
        await p.json<{ push?: { source: string; mode: string; reason?: string }[] }>(`/connectors/${connectorId}`, {
          token: person.token,
        })
      ).body.push;
    assert.deepEqual(await pushOf(bob, bobConnector), [
      { source: 'mail', mode: 'polling', reason: bobAfter.lastError },
    ]);
    assert.equal((await pushOf(ada, adaConnector))?.[0]?.mode, 'push');

    // A failed subscription is not picked up again by the next tick.
    const again = await p.services.pushSubscriptions().renewDue(new Date());
    assert.equal(again.failed, 0);

    // Once Bob has reconnected, the hourly retry brings push back.
    await connectorRecords(p.services).update(bob.tenantId, bobConnector, (r) => ({ ...r, status: 'active' }));
    await store.save({ ...(await store.get(bob.tenantId, bobConnector, 'mail'))!, renewAt: new Date().toISOString() });
    const retried = await p.services.pushSubscriptions().renewDue(new Date(Date.now() + 1000));
    assert.equal(retried.failed, 0, JSON.stringify(retried));
    assert.equal((await store.get(bob.tenantId, bobConnector, 'mail'))?.state, 'active');
    assert.equal((await pushOf(bob, bobConnector))?.[0]?.mode, 'push');
  });
});

describe('Gmail through Pub/Sub push', () => {
  const good = { iss: 'https://accounts.google.com', aud: AUDIENCE, email: PUSH_ACCOUNT, email_verified: true };

  test('a push whose token is missing, expired, for another audience or issuer, or signed by another key is refused', async () => {
    const alex = await p.person('alex@example.com', 'Alex');
    const connectorId = await connect(alex, 'google');
    const watch = await p.services.pushSubscriptions().ensure(alex.tenantId, connectorId, 'mail');
    assert.equal(watch?.state, 'active');
    assert.equal(watch.channelId, GOOGLE_DEMO_USER.email);

    const body = pubSubPush(GOOGLE_DEMO_USER.email, '12345', 'pubsub-bad-1');
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    const cases: [string, Record<string, string>, number][] = [
      ['no token', {}, 401],
      ['wrong issuer', bearer(await google.sign({ ...good, iss: 'https://evil.example' })), 401],
      ['wrong audience', bearer(await google.sign({ ...good, aud: 'https://other.example/push' })), 401],
      ['another signer', bearer(await google.sign(good, { key: 'stranger' })), 401],
      ['expired', bearer(await google.sign(good, { expired: true })), 401],
      ['another service account', bearer(await google.sign({ ...good, email: 'someone@evil.example' })), 403],
      ['unverified email', bearer(await google.sign({ ...good, email_verified: false })), 403],
    ];
    for (const [what, headers, status] of cases) {
      const res = await post('/hooks/gmail', body, headers);
      assert.equal(res.status, status, `${what}: ${await res.text()}`);
    }
    assert.deepEqual(await runsOf(alex), []);
  });

  test("a push with Google's token starts one run; its redelivery starts none", async () => {
    const kim = await p.person('kim@example.com', 'Kim');
    const connectorId = await connect(kim, 'google');
    await mailAgent(kim);
    assert.equal((await p.services.pushSubscriptions().ensure(kim.tenantId, connectorId, 'mail'))?.state, 'active');
    const headers = { authorization: `Bearer ${await google.sign(good)}` };
    const push = pubSubPush(GOOGLE_DEMO_USER.email, '4242', 'pubsub-good-1');

    assert.equal((await post('/hooks/gmail', push, headers)).status, 204);
    const runs = await runsOf(kim);
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.trigger.type, 'event');
    await p.finishedRun(kim, runs[0]!.id);

    assert.equal((await post('/hooks/gmail', push, headers)).status, 204);
    assert.equal((await runsOf(kim)).length, 1);
  });
});
