import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTierLimits, TIER_NAMES } from '../../shared/platform/config/tiers';
import { PACKS } from '../../shared/packs/built-in-packs';
import { packCron, scheduleForPlan } from '../../shared/packs/pack-schedule';
import { scheduleSchema, shortestIntervalMinutes } from '../../shared/schedules/schedule';
import { startTestPlatform, type TestPlatform } from '../support/platform';

const FROM = new Date('2026-03-02T00:00:00Z');

describe('pack schedules fit the plan they are offered on', () => {
  // Every tier as shipped, then shortest intervals a deployment might set (TIER_LIMITS), from minutes to days.
  const plans = [
    ...TIER_NAMES.map((tier) => ({ plan: tier, min: resolveTierLimits()[tier].scheduleMinIntervalMinutes })),
    ...[1, 7, 15, 45, 90, 120, 180, 240, 600, 1_440, 2_000].map((min) => ({ plan: `every ${min} min`, min })),
  ];
  for (const pack of PACKS) {
    for (const workflow of pack.workflows.filter((w) => w.schedule)) {
      const cron = packCron(workflow.schedule!);
      for (const { plan, min } of plans) {
        test(`${pack.name} / ${workflow.name} on ${plan}`, () => {
          const fitted = scheduleForPlan(cron, min);
          for (const timezone of ['UTC', 'America/New_York', 'Asia/Kathmandu']) {
            assert.ok(scheduleSchema.safeParse({ cron: fitted.cron, timezone }).success, fitted.cron);
            assert.ok(
              shortestIntervalMinutes({ cron: fitted.cron, timezone }, FROM) >= min,
              `${fitted.cron} in ${timezone} runs more often than every ${min} minutes`,
            );
          }
          const own = shortestIntervalMinutes({ cron, timezone: 'UTC' }, FROM);
          assert.equal(fitted.adjusted, own < min);
          if (!fitted.adjusted) assert.equal(fitted.cron, cron, 'a schedule that fits is kept as it is');
        });
      }
    }
  }

  test('an hourly pack on a plan of every two hours runs every two hours in the same hours and days', () => {
    assert.deepEqual(scheduleForPlan('0 8-18 * * 1-5', 120), { cron: '0 8-18/2 * * 1-5', adjusted: true });
    assert.deepEqual(scheduleForPlan('*/5 * * * *', 15), { cron: '*/15 8-18 * * *', adjusted: true });
  });
});

describe('installing packs on a small plan', () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({
      settings: { TIER_LIMITS: '{"free":{"scheduleMinIntervalMinutes":120,"agents":3}}' },
    });
  });
  after(() => p.platform.stop());

  test('the catalog says the schedule it will install with, and the install uses it', async () => {
    const cleo = await p.person('cleo@plans.test', 'Cleo');
    const offered = await p.json('/catalog/packs/inbox-assistant', { token: cleo.token });
    assert.equal(offered.status, 200);
    assert.equal(offered.body.workflows[0].cron, '0 8-18 * * 1-5');
    assert.equal(offered.body.workflows[0].planCron, '0 8-18/2 * * 1-5');

    const installed = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: cleo.token });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    assert.equal(installed.body.triggers[0].cron, '0 8-18/2 * * 1-5');
    assert.equal(installed.body.workflows[0].schedule.cron, '0 8-18/2 * * 1-5');

    // On a plan that allows it, the pack keeps its own schedule.
    const dan = await p.person('dan@plans.test', 'Dan');
    await p.services.tenants().setTier(dan.tenantId, 'pro');
    const list = await p.json('/catalog/packs', { token: dan.token });
    const inbox = list.body.items.find((x: { id: string }) => x.id === 'inbox-assistant');
    assert.equal(inbox.workflows[0].planCron, '0 8-18 * * 1-5');
  });

  test('a refused install says how many agents the pack adds and how many more fit', async () => {
    const eve = await p.person('eve@plans.test', 'Eve');
    assert.equal((await p.json('/packs/inbox-assistant/install', { method: 'POST', token: eve.token })).status, 201);
    const refused = await p.json('/packs/weekly-review/install', { method: 'POST', token: eve.token });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.limit, 'agents');
    assert.equal(refused.body.needed, 3);
    assert.equal(refused.body.available, 1);
    assert.equal(refused.body.max, 3);
    assert.equal(
      refused.body.detail,
      'This pack adds 3 agents; your plan has room for 1 more. Remove an agent or upgrade your plan.',
    );
    assert.equal((await p.json('/agents', { token: eve.token })).body.items.length, 2, 'nothing of it was created');
  });
});
