/**
 * Packs that run during working hours use the person's own: the rules give today's schedules for the default hours
 * and follow other hours and weeks; through the API on the local platform, an install uses the profile's hours, and a
 * later change of hours moves the schedules installed that way (not the ones changed by hand since).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PACKS } from '../../shared/packs/built-in-packs';
import type { WorkflowDoc } from '../../shared/packs/workflow-model';
import { createTenantRepository } from '../../shared/platform/cosmos/tenant-repository';
import { packCron, scheduleForPlan } from '../../shared/packs/pack-schedule';
import { cronWeekdays, workingHoursCron } from '../../shared/identity/working-hours';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const NURSE = { from: 6, until: 14, days: [0, 1, 2, 3, 4] };
const OFFICE = { from: 9, until: 17, days: [1, 2, 3, 4, 5] };

describe('working-time rules', () => {
  test('with the default hours, the packs keep the schedules they always had', () => {
    const crons = Object.fromEntries(PACKS.map((pack) => [pack.id, packCron(pack.workflows[0]!.schedule!)]));
    assert.deepEqual(crons, {
      'inbox-assistant': '0 8-18 * * 1-5',
      'meeting-ready': '0 7 * * 1-5',
      'weekly-review': '0 16 * * 5',
    });
  });

  test('a nurse working 06:00–14:00, Sunday to Thursday', () => {
    assert.equal(packCron({ follows: 'workingHours' }, NURSE), '0 6-14 * * 0-4');
    assert.equal(packCron({ follows: 'beforeWorkingDay' }, NURSE), '0 5 * * 0-4');
    assert.equal(packCron({ follows: 'endOfWorkingWeek' }, NURSE), '0 12 * * 4', 'Thursday, two hours before the end');
    assert.equal(packCron({ cron: '0 16 * * 5' }, NURSE), '0 16 * * 5', 'a fixed schedule stays fixed');
  });

  test('working days become the shortest cron weekday field', () => {
    assert.equal(cronWeekdays([1, 2, 3, 4, 5]), '1-5');
    assert.equal(cronWeekdays([0, 1, 2, 3, 4, 5, 6]), '*');
    assert.equal(cronWeekdays([5, 1, 3]), '1,3,5');
    assert.equal(cronWeekdays([0, 1, 2, 4, 5]), '0-2,4,5');
    assert.equal(workingHoursCron({ from: 22, until: 23, days: [6] }), '0 22-23 * * 6');
  });

  test('a schedule the plan refuses is fitted within the person’s hours and week', () => {
    assert.deepEqual(scheduleForPlan('0 6-14 * * 0-4', 120, NURSE), { cron: '0 6-14/2 * * 0-4', adjusted: true });
    assert.deepEqual(scheduleForPlan('*/5 * * * *', 15, NURSE), { cron: '*/15 6-14 * * *', adjusted: true });
    // More than a day apart: once a week, at the start of the nurse's week (Sunday).
    assert.deepEqual(scheduleForPlan('0 6-14 * * 0-4', 2 * 24 * 60, NURSE), { cron: '0 6 * * 0', adjusted: true });
  });
});

describe('installing and following working hours', () => {
  let p: TestPlatform;
  before(async () => {
    // The Team plan here runs schedules at most every two hours (the others keep theirs).
    p = await startTestPlatform({ settings: { TIER_LIMITS: '{"team":{"scheduleMinIntervalMinutes":120}}' } });
  });
  after(() => p.platform.stop());

  const setHours = async (person: Person, workingHours: unknown) => {
    const res = await p.json('/me', { method: 'PATCH', token: person.token, json: { workingHours } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  const workflow = async (person: Person, id: string) => {
    const res = await p.json(`/workflows/${id}`, { token: person.token });
    assert.equal(res.status, 200);
    return res.body as { schedule: { cron: string; timezone: string }; nextRunAt: string; updatedAt: string };
  };
  /** The hour and weekday of an instant in a zone. */
  const local = (iso: string, timeZone: string) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
    const got = Object.fromEntries(parts.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return { hour: Number(got.hour), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(got.weekday!) };
  };

  test('the catalog offers, and the install makes, schedules in the person’s working hours', async () => {
    const nora = await p.person('nora@packs-hours.test', 'Nora');
    await p.json('/me', { method: 'PATCH', token: nora.token, json: { timezone: 'Asia/Jerusalem' } });
    await setHours(nora, NURSE);

    const offered = await p.json('/catalog/packs', { token: nora.token });
    const byId = (id: string) => offered.body.items.find((x: { id: string }) => x.id === id).workflows[0];
    assert.deepEqual(
      { cron: byId('inbox-assistant').cron, planCron: byId('inbox-assistant').planCron },
      { cron: '0 6-14 * * 0-4', planCron: '0 6-14 * * 0-4' },
    );
    assert.equal(byId('inbox-assistant').follows, 'workingHours');
    assert.equal(byId('meeting-ready').cron, '0 5 * * 0-4');

    const installed = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: nora.token });
    assert.equal(installed.status, 201, JSON.stringify(installed.body));
    const [trigger] = installed.body.triggers;
    assert.deepEqual(
      { cron: trigger.cron, timezone: trigger.timezone },
      {
        cron: '0 6-14 * * 0-4',
        timezone: 'Asia/Jerusalem',
      },
    );
    const next = local(trigger.nextRunAt, 'Asia/Jerusalem');
    assert.ok(next.hour >= 6 && next.hour <= 14 && NURSE.days.includes(next.weekday), JSON.stringify(next));
  });

  test('changing working hours moves the schedules that follow them, through the schedule index', async () => {
    const omar = await p.person('omar@packs-hours.test', 'Omar');
    await p.json('/packs/inbox-assistant/install', { method: 'POST', token: omar.token });
    await p.json('/packs/meeting-ready/install', { method: 'POST', token: omar.token });
    const inboxId = 'pack_inbox-assistant_main';
    const meetingId = 'pack_meeting-ready_main';
    assert.equal((await workflow(omar, inboxId)).schedule.cron, '0 8-18 * * 1-5');

    await setHours(omar, NURSE);
    const inbox = await workflow(omar, inboxId);
    assert.equal(inbox.schedule.cron, '0 6-14 * * 0-4');
    assert.equal((await workflow(omar, meetingId)).schedule.cron, '0 5 * * 0-4');
    const due = await p.services.schedules().get(omar.tenantId, 'workflow', inboxId);
    assert.equal(due?.nextRunAt, inbox.nextRunAt);
    const next = local(inbox.nextRunAt, 'UTC');
    assert.ok(next.hour >= 6 && next.hour <= 14 && NURSE.days.includes(next.weekday), JSON.stringify(next));
    const trail = await p.json(`/audit?type=workflow.updated`, { token: omar.token });
    assert.equal(trail.body.items.length, 2, 'each moved workflow is audited');

    // Saving the same hours again changes nothing.
    await setHours(omar, NURSE);
    assert.equal((await workflow(omar, inboxId)).updatedAt, inbox.updatedAt);

    // Moving to another time zone keeps the cron, so the schedule still follows the hours.
    const moved = await p.json(`/workflows/${meetingId}`, {
      method: 'PATCH',
      token: omar.token,
      json: { schedule: { cron: '0 5 * * 0-4', timezone: 'Europe/Lisbon' } },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    // A schedule changed by hand is the person's: it stays as they made it.
    const edited = await p.json(`/workflows/${inboxId}`, {
      method: 'PATCH',
      token: omar.token,
      json: { schedule: { cron: '0 10 * * 1-5', timezone: 'UTC' } },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));

    await setHours(omar, OFFICE);
    assert.equal((await workflow(omar, inboxId)).schedule.cron, '0 10 * * 1-5');
    assert.deepEqual((await workflow(omar, meetingId)).schedule, { cron: '0 8 * * 1-5', timezone: 'Europe/Lisbon' });
  });

  test('on a plan with a longer shortest interval, followed hours are fitted to the plan', async () => {
    const pia = await p.person('pia@packs-hours.test', 'Pia');
    await p.services.tenants().setTier(pia.tenantId, 'team');
    const installed = await p.json('/packs/inbox-assistant/install', { method: 'POST', token: pia.token });
    assert.equal(installed.body.triggers[0].cron, '0 8-18/2 * * 1-5');
    await setHours(pia, NURSE);
    assert.equal((await workflow(pia, 'pack_inbox-assistant_main')).schedule.cron, '0 6-14/2 * * 0-4');
  });

  test('packs installed before working hours existed follow them while they keep the pack’s schedule', async () => {
    const quinn = await p.person('quinn@packs-hours.test', 'Quinn');
    await p.json('/packs/inbox-assistant/install', { method: 'POST', token: quinn.token });
    await p.json('/packs/weekly-review/install', { method: 'POST', token: quinn.token });
    // As stored before: no rule on the workflows; the weekly review had been moved to Monday by hand.
    const repo = createTenantRepository<WorkflowDoc>(p.services.cosmos(), 'workflows', 'workflow');
    for (const id of ['pack_inbox-assistant_main', 'pack_weekly-review_main'])
      await repo.update(quinn.tenantId, id, (doc) => {
        const { scheduleFollows: _gone, ...rest } = doc;
        return id.includes('weekly') ? { ...rest, schedule: { cron: '0 9 * * 1', timezone: 'UTC' } } : rest;
      });
    await setHours(quinn, NURSE);
    assert.equal((await workflow(quinn, 'pack_inbox-assistant_main')).schedule.cron, '0 6-14 * * 0-4');
    assert.equal((await workflow(quinn, 'pack_weekly-review_main')).schedule.cron, '0 9 * * 1');
    await setHours(quinn, OFFICE);
    assert.equal((await workflow(quinn, 'pack_inbox-assistant_main')).schedule.cron, '0 9-17 * * 1-5');
  });
});
