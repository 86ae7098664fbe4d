import type * as df from 'durable-functions';
import { RetryOptions } from 'durable-functions';
import { result, type ActivityHandles, type ActivityRetries } from '../platform/durable/activity-handles';
import type { ExportJob } from './export-model';
import { exportInstanceId, type ExportService } from './exports';

export const EXPORT_ORCHESTRATOR = 'dataExport';

/** The activities the export orchestration calls. */
export type ExportActivities = {
  write: (job: ExportJob) => ReturnType<ExportService['write']>;
  fail: (job: ExportJob & { reason: string }) => Promise<void>;
  expire: (job: ExportJob) => Promise<void>;
};

/** Writing is retried (a store hiccup mid-way starts the file again); marking failed and expiring likewise. */
export const EXPORT_ACTIVITY_RETRIES: ActivityRetries<ExportActivities> = {
  write: Object.assign(new RetryOptions(10_000, 3), { backoffCoefficient: 2 }),
  fail: new RetryOptions(5_000, 5),
  expire: Object.assign(new RetryOptions(60_000, 10), {
    backoffCoefficient: 2,
    maxRetryIntervalInMilliseconds: 3_600_000,
  }),
};

/** What a person reads when writing gave up. */
const FAILED_REASON = 'Your data could not be collected just now. Please try again in a few minutes.';

/**
 * One export from start to end: write the file, then a durable timer until it expires, then delete it. A timer
 * rather than a sweep over every tenant: the wait costs nothing while it lasts and resumes after a restart.
 * Deterministic: the expiry time comes with the input.
 */
export function createExportOrchestrator(activities: ActivityHandles<ExportActivities>) {
  return function* exportOrchestrator(context: df.OrchestrationContext): Generator<df.Task, string, unknown> {
    const job = context.df.getInput<ExportJob>();
    let status: string;
    try {
      status = yield* result(activities.write(job));
    } catch {
      yield* result(activities.fail({ ...job, reason: FAILED_REASON }));
      status = 'failed';
    }
    if (status !== 'missing') {
      yield context.df.createTimer(new Date(job.expiresAt));
      yield* result(activities.expire(job));
    }
    return status;
  };
}

/** Starts the export's orchestration (its instance id carries the tenant, so erasure can find it). */
export async function startExport(client: df.DurableClient, job: ExportJob): Promise<void> {
  await client.startNew(EXPORT_ORCHESTRATOR, { instanceId: exportInstanceId(job.tenantId, job.exportId), input: job });
}
