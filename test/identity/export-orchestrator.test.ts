import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as df from 'durable-functions';
import { activityHandles } from '../../shared/platform/durable/activity-handles';
import {
  createExportOrchestrator,
  EXPORT_ACTIVITY_RETRIES,
  type ExportActivities,
} from '../../shared/identity/export-orchestrator';
import type { ExportJob } from '../../shared/identity/export-model';

/**
 * Drives the export orchestrator's generator as the Durable replay does: activities answer from a script (a write
 * that gives up throws, as Durable reports it after the retries), timers are recorded with their time.
 */
function run(write: 'ready' | 'missing' | 'throws'): { steps: string[]; output: unknown } {
  const job: ExportJob = { tenantId: 't', exportId: 'e', expiresAt: '2026-01-08T00:00:00.000Z' };
  const activity = (name: string) => () =>
    ({
      kind: 'activity',
      name,
      withRetry: (retry: df.RetryOptions) => ({ kind: 'activity', name, attempts: retry.maxNumberOfAttempts }),
    }) as unknown as df.RegisteredActivityTask;
  const activities = activityHandles<ExportActivities>(
    { write: activity('write'), fail: activity('fail'), expire: activity('expire') },
    EXPORT_ACTIVITY_RETRIES,
  );
  const context = {
    df: {
      getInput: () => job,
      createTimer: (at: Date) => ({ kind: 'timer', fireAt: at.toISOString() }),
    },
  } as unknown as df.OrchestrationContext;
  const gen = createExportOrchestrator(activities)(context);
  const steps: string[] = [];
  let next = gen.next();
  while (!next.done) {
    const task = next.value as unknown as { kind: string; name?: string; fireAt?: string; attempts?: number };
    if (task.kind === 'timer') {
      steps.push(`timer until ${task.fireAt}`);
      next = gen.next(undefined);
    } else if (task.name === 'write') {
      steps.push(`write (${task.attempts} attempts)`);
      next = write === 'throws' ? gen.throw(new Error('store unavailable')) : gen.next(write);
    } else {
      steps.push(task.name!);
      next = gen.next(undefined);
    }
  }
  return { steps, output: next.value };
}

describe('export orchestrator', () => {
  test('writes the file, then waits until the export expires and deletes it', () => {
    const { steps, output } = run('ready');
    assert.deepEqual(steps, ['write (3 attempts)', 'timer until 2026-01-08T00:00:00.000Z', 'expire']);
    assert.equal(output, 'ready');
  });

  test('a write that gives up marks the export failed (in plain words), and it expires all the same', () => {
    const { steps, output } = run('throws');
    assert.deepEqual(steps, ['write (3 attempts)', 'fail', 'timer until 2026-01-08T00:00:00.000Z', 'expire']);
    assert.equal(output, 'failed');
  });

  test('an export already deleted (its account erased) ends at once', () => {
    assert.deepEqual(run('missing').steps, ['write (3 attempts)']);
  });
});
