/**
 * The data export's background work: the orchestration that writes the file, waits until it expires and deletes it.
 * The routes are in functions/me.ts; the logic in shared/identity/exports.ts.
 */
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import {
  createExportOrchestrator,
  EXPORT_ACTIVITY_RETRIES,
  EXPORT_ORCHESTRATOR,
  type ExportActivities,
} from '../shared/identity/export-orchestrator';
import type { ExportJob } from '../shared/identity/export-model';
import { activityHandles } from '../shared/platform/durable/activity-handles';

const registered = {
  write: df.app.activity('writeDataExport', {
    handler: (job: ExportJob) => getServices().exports().write(job, { correlationId: job.correlationId }),
  }),
  fail: df.app.activity('failDataExport', {
    handler: (job: ExportJob & { reason: string }) => getServices().exports().fail(job),
  }),
  expire: df.app.activity('expireDataExport', {
    handler: (job: ExportJob) => getServices().exports().expire(job),
  }),
};

df.app.orchestration(
  EXPORT_ORCHESTRATOR,
  createExportOrchestrator(activityHandles<ExportActivities>(registered, EXPORT_ACTIVITY_RETRIES)),
);
