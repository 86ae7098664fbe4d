// The plan's schedule rule through the API: "every hour during working hours" is a schedule the free plan accepts for
// agents and workflows, one that runs more often is refused with the rule in words, and the rule is what /me reports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestPlatform, type Person, type TestPlatform } from '../support/platform';

const WORKING_HOURS = { cron: '0 8-18 * * 1-5', timezone: 'America/New_York' };
const EVERY_HALF_HOUR_AT_WORK = { cron: '*/30 8-18 * * 1-5', timezone: 'America/New_York' };

let p: TestPlatform;
let una: Person;

before(async () => {
  p = await startTestPlatform();
  una = await p.person('una@schedules.test', 'Una');
});

after(async () => {
  await p?.platform.stop();
});

test('the free plan’s rule is reported with the profile', async () => {
  const me = await p.json<{ tier: string; usage: { scheduleMinIntervalMinutes: { max: number } } }>('/me', {
    token: una.token,
  });
  assert.equal(me.body.tier, 'free');
  assert.equal(me.body.usage.scheduleMinIntervalMinutes.max, 60);
});

test('every hour during working hours fits the free plan, for an agent and a workflow', async () => {
  const agent = await p.json<{ id: string; schedule: typeof WORKING_HOURS; nextRunAt: string | null }>('/agents', {
    method: 'POST',
    token: una.token,
    json: { templateId: 'inbox-triage', schedule: WORKING_HOURS },
  });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  assert.deepEqual(agent.body.schedule, WORKING_HOURS);
  // The next run is on a weekday between 08:00 and 18:00 in New York.
  const next = agent.body.nextRunAt;
  if (next) {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: WORKING_HOURS.timezone,
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    }).formatToParts(new Date(next));
    const hour = Number(parts.find((x) => x.type === 'hour')!.value);
    const weekday = parts.find((x) => x.type === 'weekday')!.value;
    assert.ok(hour >= 8 && hour <= 18, `next run at ${hour}:00`);
    assert.ok(!['Sat', 'Sun'].includes(weekday), `next run on ${weekday}`);
  }
  const workflow = await p.json('/workflows', {
    method: 'POST',
    token: una.token,
    json: { name: 'Working hours', mode: 'sequential', steps: [{ agentId: agent.body.id }], schedule: WORKING_HOURS },
  });
  assert.equal(workflow.status, 201, JSON.stringify(workflow.body));
});

test('a schedule that runs more often than the plan allows is refused with the rule in words', async () => {
  const agent = await p.json<{ detail: string; limit: string }>('/agents', {
    method: 'POST',
    token: una.token,
    json: { templateId: 'inbox-triage', schedule: EVERY_HALF_HOUR_AT_WORK },
  });
  assert.equal(agent.status, 429);
  assert.equal(agent.body.limit, 'scheduleMinIntervalMinutes');
  assert.equal(
    agent.body.detail,
    'Your free plan runs a schedule at most once an hour; this one runs every 30 minutes.',
  );
  const agents = await p.json<{ items: { id: string }[] }>('/agents', { token: una.token });
  const workflow = await p.json<{ detail: string }>('/workflows', {
    method: 'POST',
    token: una.token,
    json: {
      name: 'Too often',
      mode: 'sequential',
      steps: [{ agentId: agents.body.items[0]!.id }],
      schedule: EVERY_HALF_HOUR_AT_WORK,
    },
  });
  assert.equal(workflow.status, 429);
  assert.match(workflow.body.detail, /at most once an hour; this one runs every 30 minutes/);
});

test('an hour range that ends before it starts is refused as invalid, not as too frequent', async () => {
  const backwards = await p.json<{ errors: { path: string; message: string }[] }>('/agents', {
    method: 'POST',
    token: una.token,
    json: { templateId: 'inbox-triage', schedule: { cron: '0 18-8 * * 1-5', timezone: 'UTC' } },
  });
  assert.equal(backwards.status, 400);
  assert.ok(
    backwards.body.errors.some((e) => e.path === 'body.schedule.cron'),
    JSON.stringify(backwards.body),
  );
});
