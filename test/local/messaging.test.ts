// The local broker delivers Service Bus messages with peek-lock semantics, and timers fire as the host fires them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLocalPlatform, type LocalPlatform } from '../../local/testing';
import { eventually } from '../support/eventually';

const APP = join(__dirname, '../fixtures/conformance-app');

interface Seen {
  fn: string;
  message: any;
  meta: Record<string, any>;
}

describe('local runtime: broker and timers', () => {
  let platform: LocalPlatform;
  before(async () => {
    platform = await startLocalPlatform({ app: APP, services: [] });
  });
  after(() => platform?.stop());

  const seen = async () => (await (await platform.api('/seen')).json()) as Seen[];
  const publish = (entity: string, messages: unknown) =>
    fetch(`${platform.origin}/runtime/broker/${entity}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messages),
    });
  const broker = async (path: string) =>
    (await fetch(`${platform.origin}/runtime/broker${path}`)).json() as Promise<any>;

  it('redelivers an abandoned message until it succeeds, with trigger metadata', async () => {
    const res = await publish('flaky', [
      {
        messageId: 'flaky-1',
        body: { failTimes: 2 },
        subject: 'Retry',
        correlationId: 'corr-1',
        applicationProperties: { tenant: 't1' },
      },
    ]);
    assert.equal(res.status, 202);
    const all = await eventually(
      seen,
      (s) => s.filter((x) => x.fn === 'flaky').length === 3,
      'three deliveries of the flaky message',
    );
    await new Promise((r) => setTimeout(r, 200));
    const deliveries = (await seen()).filter((x) => x.fn === 'flaky');
    assert.equal(deliveries.length, 3, 'two failures, then one success, then no more deliveries');
    assert.deepEqual(
      deliveries.map((d) => d.meta.deliveryCount),
      [1, 2, 3],
    );
    const meta = all.find((x) => x.fn === 'flaky')!.meta;
    assert.equal(meta.messageId, 'flaky-1');
    assert.equal(meta.subject, 'Retry');
    assert.equal(meta.correlationId, 'corr-1');
    assert.deepEqual(meta.applicationProperties, { tenant: 't1' });
    assert.ok(!Number.isNaN(Date.parse(meta.enqueuedTimeUtc)));
    assert.deepEqual(await broker('/flaky/deadletter'), []);
  });

  it('dead-letters a message after the maximum delivery count, readable over the broker API', async () => {
    await publish('poison', [{ messageId: 'poison-1', body: 'never works' }]);
    const dead = await eventually(
      () => broker('/poison/deadletter'),
      (d: any[]) => d.length === 1,
      'the poison message in the dead-letter queue',
    );
    assert.equal(dead[0].messageId, 'poison-1');
    assert.equal(dead[0].deliveryCount, 3, 'LOCAL_BROKER_MAX_DELIVERY_COUNT=3 from local.settings.json');
    assert.equal(dead[0].deadLetterReason, 'MaxDeliveryCountExceeded');
    assert.match(dead[0].deadLetterErrorDescription, /this message can never be handled/);
    assert.equal((await seen()).filter((x) => x.fn === 'poison').length, 3);
    assert.deepEqual(await broker('/poison/messages'), []);
  });

  it('copies a topic message to every subscription, and routes output bindings (extra outputs and return values)', async () => {
    const res = await platform.api('/enqueue', { json: { batch: true, items: [{ job: 'a' }, { job: 'b' }] } });
    assert.equal(res.status, 202);
    const all = await eventually(
      seen,
      (s) => s.filter((x) => x.fn === 'auditEvents' || x.fn === 'mailEvents').length === 4,
      'both subscriptions to receive both events',
    );
    const jobs = all
      .filter((x) => x.fn === 'jobWorker')
      .map((x) => x.message.job)
      .sort();
    assert.deepEqual(jobs, ['a', 'b'], 'an array output sends one message per element');
    const audit = all
      .filter((x) => x.fn === 'auditEvents')
      .map((x) => x.message.doneJob)
      .sort();
    const mail = all
      .filter((x) => x.fn === 'mailEvents')
      .map((x) => x.message.doneJob)
      .sort();
    assert.deepEqual(audit, ['a', 'b']);
    assert.deepEqual(mail, ['a', 'b']);
  });

  it('refuses malformed publish requests with a clear problem', async () => {
    const noBody = await publish('flaky', [{ messageId: 'x' }]);
    assert.equal(noBody.status, 400);
    assert.equal(noBody.headers.get('content-type'), 'application/problem+json');
    assert.match(((await noBody.json()) as { detail: string }).detail, /body is missing/);
    const notJson = await fetch(`${platform.origin}/runtime/broker/flaky/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(notJson.status, 400);
    const health = await fetch(`${platform.origin}/runtime/broker`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
  });

  it('runs runOnStartup timers once at start and schedules 6-field NCRONTAB timers every second', async () => {
    const ticks = async () =>
      (await (await platform.api('/ticks')).json()) as { fn: string; isPastDue: boolean; status: any; at: number }[];
    const all = await eventually(
      ticks,
      (t) => t.filter((x) => x.fn === 'everySecond').length >= 2,
      'two every-second ticks',
    );
    const startup = all.filter((x) => x.fn === 'startup');
    assert.equal(startup.length, 1);
    assert.equal(startup[0]!.isPastDue, false);
    const every = all.filter((x) => x.fn === 'everySecond');
    assert.equal(every[0]!.isPastDue, false);
    assert.ok(every[1]!.at - every[0]!.at >= 500, 'one occurrence per second');
    assert.ok(every[1]!.status && typeof every[1]!.status.next === 'string', 'schedule status is passed');
  });
});
