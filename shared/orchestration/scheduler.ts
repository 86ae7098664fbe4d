import type { AuditLog } from '../platform/audit/audit-log';
import { AppError, NotFoundError } from '../platform/errors';
import { nextSlot } from '../schedules/schedule';
import type { ScheduleEntry, ScheduleIndex } from '../schedules/schedule-index';
import type { OrchestrationStarter, RunService } from './run-service';

export interface SchedulerDeps {
  schedules: () => ScheduleIndex;
  runs: () => RunService;
  audit: () => AuditLog;
  starter: OrchestrationStarter;
  /** A missed slot younger than this still runs (once); older missed slots are skipped. */
  catchUpMinutes: number;
}

export interface TickReport {
  started: string[];
  /** Runs another timer invocation had already created for the same slot. */
  alreadyStarted: string[];
  skippedSlots: number;
  failures: number;
}

/** Run ids of scheduled runs are deterministic per target and slot: a slot can never produce two runs. */
const scheduledRunId = (entry: Pick<ScheduleEntry, 'targetType' | 'targetId'>, slot: Date) =>
  `sch_${entry.targetType === 'agent' ? 'a' : 'w'}_${entry.targetId}_${slot.toISOString().replace(/[-:]/g, '').replace('.000', '')}`;

/**
 * The latest slot at or before `now` (missed slots after downtime are coalesced into this one) and the first slot
 * after `now`.
 */
function slotsAround(entry: ScheduleEntry, now: Date): { latest: Date; next: Date | undefined } {
  let latest = new Date(entry.nextRunAt);
  let next = nextSlot(entry.schedule, latest);
  for (let guard = 0; next && next.getTime() <= now.getTime() && guard < 100_000; guard++) {
    latest = next;
    next = nextSlot(entry.schedule, latest);
  }
  return { latest, next };
}

/**
 * One scheduler tick at `now`: one indexed query for due schedules; for each, start the run of its latest due slot
 * (deterministic run and instance ids) and move the schedule to its next slot.
 *
 * Missed-slot policy: after downtime, all missed slots of a schedule collapse into one run for the most recent of
 * them, and only if that slot is at most `catchUpMinutes` old; otherwise the slot is skipped (audited) and the
 * schedule waits for its next slot.
 */
export async function runSchedulerTick(deps: SchedulerDeps, now: Date): Promise<TickReport> {
  const report: TickReport = { started: [], alreadyStarted: [], skippedSlots: 0, failures: 0 };
  const due = await deps.schedules().due(now);
  for (const entry of due) {
    const { latest, next } = slotsAround(entry, now);
    const missed = Math.round((latest.getTime() - new Date(entry.nextRunAt).getTime()) / 1000) > 0;
    try {
      if (now.getTime() - latest.getTime() <= deps.catchUpMinutes * 60_000) {
        const runId = scheduledRunId(entry, latest);
        const { created } = await deps.runs().start(
          entry.tenantId,
          {
            target: { type: entry.targetType, id: entry.targetId },
            trigger: { type: 'schedule', slot: latest.toISOString() },
            runId,
            actorId: 'scheduler',
            source: 'schedule',
            checkLimits: false,
          },
          deps.starter,
        );
        (created ? report.started : report.alreadyStarted).push(runId);
        if (missed) report.skippedSlots += 1;
      } else {
        report.skippedSlots += 1;
        await deps.audit().record({
          tenantId: entry.tenantId,
          actor: { type: 'system', id: 'scheduler' },
          action: 'schedule.slot.skipped',
          target: { type: entry.targetType, id: entry.targetId },
          outcome: 'failure',
          source: 'schedule',
          summary: `Missed the scheduled run of ${latest.toISOString()} (the service was unavailable for more than ${deps.catchUpMinutes} minutes); next run at ${next?.toISOString() ?? 'never'}`,
        });
      }
    } catch (err) {
      if (err instanceof NotFoundError) {
        // The agent or workflow is gone: its schedule goes too.
        await deps.schedules().remove(entry.tenantId, entry.targetType, entry.targetId);
        continue;
      }
      if (!(err instanceof AppError)) report.failures += 1;
      // A disabled target or a refused start: the slot is passed over, the schedule moves on.
    }
    await deps.schedules().advance(entry, next, now);
  }
  return report;
}
