import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as df from 'durable-functions';
import { activityHandles } from '../../shared/platform/durable/activity-handles';
import {
  APPROVAL_ACTIVITY_RETRIES,
  type ApprovalActivities,
  type ApprovalInput,
} from '../../shared/suggestions/approval-activities';
import { createApprovalOrchestrator } from '../../shared/suggestions/approval-orchestrator';

/**
 * Drives the approval orchestrator's generator the way the Durable replay does, with simulated time: activities
 * answer from a script, timers fire at their time unless the decision event comes first.
 */
interface Step {
  kind: 'activity' | 'timer';
  name?: string;
  at: number;
  /** Attempts Durable would make (the activity's retry policy); absent when it is not retried. */
  attempts?: number;
}

function run(opts: {
  expiresInMs: number;
  reminderBeforeSeconds: number;
  decisionAfterMs?: number;
  decision?: 'approve' | 'reject';
  executeFails?: boolean;
  initialStatus?: string;
  /** The person's undo window: an approved send is held this long before it is carried out. */
  heldForMs?: number;
}) {
  const start = Date.parse('2026-01-01T00:00:00Z');
  let now = start;
  const steps: Step[] = [];
  const input: ApprovalInput = { tenantId: 't', suggestionId: 's', reminderBeforeSeconds: opts.reminderBeforeSeconds };
  // Stand-ins for the registered activities, behind the same typed handles (and retry policies) the app uses.
  const activity = (name: string) => () =>
    ({
      kind: 'activity',
      name,
      withRetry: (retry: df.RetryOptions) => ({ kind: 'activity', name, attempts: retry.maxNumberOfAttempts }),
    }) as unknown as df.RegisteredActivityTask;
  const activities = activityHandles<ApprovalActivities>(
    {
      state: activity('state'),
      remind: activity('remind'),
      expire: activity('expire'),
      execute: activity('execute'),
      markFailed: activity('markFailed'),
    },
    APPROVAL_ACTIVITY_RETRIES,
  );
  const event = { kind: 'event', result: { decision: opts.decision ?? 'approve' } };
  const context = {
    df: {
      getInput: () => input,
      get currentUtcDateTime() {
        return new Date(now);
      },
      setCustomStatus: () => {},
      waitForExternalEvent: () => event,
      createTimer: (at: Date) => ({ kind: 'timer', fireAt: at.getTime(), cancel() {} }),
      Task: { any: (tasks: unknown[]) => ({ kind: 'any', tasks }) },
    },
  } as unknown as df.OrchestrationContext;

  const orchestrator = createApprovalOrchestrator(activities);
  const gen = orchestrator(context);
  let next = gen.next();
  const decisionAt = opts.decisionAfterMs === undefined ? Number.POSITIVE_INFINITY : start + opts.decisionAfterMs;
  let decided = false;
  let guard = 0;
  while (!next.done && guard++ < 1000) {
    const task = next.value as unknown as {
      kind: string;
      name?: string;
      tasks?: { kind: string; fireAt?: number }[];
      attempts?: number;
      fireAt?: number;
    };
    if (task.kind === 'activity') {
      steps.push({ kind: 'activity', name: task.name, at: now, ...(task.attempts ? { attempts: task.attempts } : {}) });
      if (task.name === 'state')
        next = gen.next({
          // Read again after the decision event, the stored suggestion is approved (and held for an undo window).
          status: decided ? 'approved' : (opts.initialStatus ?? 'pending'),
          expiresAt: new Date(start + opts.expiresInMs).toISOString(),
          ...(decided && opts.heldForMs ? { heldUntil: new Date(now + opts.heldForMs).toISOString() } : {}),
        });
      else if (task.name === 'execute' && opts.executeFails)
        next = gen.throw(new Error("Activity function 'approvalExecute' failed: provider down\nstack"));
      else if (task.name === 'execute') next = gen.next('executed');
      else if (task.name === 'expire') next = gen.next('expired');
      else if (task.name === 'markFailed') next = gen.next('failed');
      else next = gen.next(true);
    } else if (task.kind === 'any') {
      const timer = task.tasks!.find((t) => t.kind === 'timer')!;
      steps.push({ kind: 'timer', at: timer.fireAt! });
      if (decisionAt <= timer.fireAt!) {
        now = Math.max(now, decisionAt);
        decided = true;
        next = gen.next(task.tasks!.find((t) => t.kind === 'event'));
      } else {
        now = timer.fireAt!;
        next = gen.next(timer);
      }
    } else if (task.kind === 'timer') {
      const fireAt = task.fireAt!;
      steps.push({ kind: 'timer', at: fireAt });
      now = fireAt;
      next = gen.next(task);
    } else {
      throw new Error(`unexpected yield ${JSON.stringify(task)}`);
    }
  }
  return { steps, result: next.value, start };
}

const DAY = 86_400_000;

describe('approval orchestrator', () => {
  test('a 20-day expiry waits on chained timers under six days, reminds once, then expires', () => {
    const { steps, result, start } = run({ expiresInMs: 20 * DAY, reminderBeforeSeconds: 12 * 3600 });
    assert.equal(result, 'expired');
    const timers = steps.filter((s) => s.kind === 'timer');
    let previous = start;
    for (const t of timers) {
      assert.ok(t.at - previous < 6 * DAY, 'every timer is shorter than six days');
      previous = t.at;
    }
    assert.equal(timers.at(-1)!.at, start + 20 * DAY, 'the last timer is the deadline');
    const reminders = steps.filter((s) => s.name === 'remind');
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0]!.at, start + 20 * DAY - 12 * 3600_000);
    assert.deepEqual(
      steps.filter((s) => s.kind === 'activity').map((s) => s.name),
      ['state', 'remind', 'expire'],
    );
  });

  test('an approval during the wait is carried out (with retries) and nothing expires', () => {
    const { steps, result } = run({ expiresInMs: 3 * DAY, reminderBeforeSeconds: 0, decisionAfterMs: 3600_000 });
    assert.equal(result, 'executed');
    assert.deepEqual(
      steps.filter((s) => s.kind === 'activity').map((s) => s.name),
      ['state', 'state', 'execute'],
    );
    assert.deepEqual(
      steps.filter((s) => s.kind === 'activity').map((s) => [s.name, s.attempts]),
      [
        ['state', undefined],
        ['state', undefined],
        ['execute', 5],
      ],
      'only carrying out the action is retried, up to five attempts',
    );
  });

  test('a decision stored before the wait started is found by its first step and carried out', () => {
    const { steps, result } = run({ expiresInMs: 3 * DAY, reminderBeforeSeconds: 3600, initialStatus: 'approved' });
    assert.equal(result, 'executed');
    assert.deepEqual(
      steps.map((s) => s.name ?? s.kind),
      ['state', 'execute'],
    );
    const rejected = run({ expiresInMs: 3 * DAY, reminderBeforeSeconds: 3600, initialStatus: 'rejected' });
    assert.equal(rejected.result, 'rejected');
    assert.deepEqual(
      rejected.steps.map((s) => s.name ?? s.kind),
      ['state'],
    );
  });

  test('a rejection ends the wait without any activity', () => {
    const { steps, result } = run({
      expiresInMs: 3 * DAY,
      reminderBeforeSeconds: 0,
      decisionAfterMs: 60_000,
      decision: 'reject',
    });
    assert.equal(result, 'rejected');
    assert.deepEqual(
      steps.filter((s) => s.kind === 'activity').map((s) => s.name),
      ['state'],
    );
  });

  test('when every retry fails the suggestion is marked failed', () => {
    const { steps, result } = run({
      expiresInMs: DAY,
      reminderBeforeSeconds: 0,
      decisionAfterMs: 1000,
      executeFails: true,
    });
    assert.equal(result, 'failed');
    assert.deepEqual(
      steps.filter((s) => s.kind === 'activity').map((s) => s.name),
      ['state', 'state', 'execute', 'markFailed'],
    );
  });

  test('an approved send is held for the undo window, then carried out', () => {
    const { steps, result, start } = run({
      expiresInMs: DAY,
      reminderBeforeSeconds: 0,
      decisionAfterMs: 60_000,
      heldForMs: 10_000,
    });
    assert.equal(result, 'executed');
    const execute = steps.find((s) => s.name === 'execute')!;
    assert.equal(execute.at, start + 70_000, 'carried out when the undo window has passed, not before');
    assert.deepEqual(
      steps.map((s) => s.name ?? s.kind),
      ['state', 'timer', 'state', 'timer', 'execute'],
    );
  });
});
