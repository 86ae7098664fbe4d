/**
 * The approval wait (one orchestration per suggestion) and its activities: registrations only. The orchestrator lives
 * in shared/suggestions/approval-orchestrator.ts, the activities and their retry policies in
 * shared/suggestions/approval-activities.ts, built from the app's services.
 */
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { activityHandles } from '../shared/platform/durable/activity-handles';
import {
  APPROVAL_ACTIVITY_RETRIES,
  type ApprovalActivities,
  type ApprovalInput,
} from '../shared/suggestions/approval-activities';
import { APPROVAL_ORCHESTRATOR, createApprovalOrchestrator } from '../shared/suggestions/approval-orchestrator';

const activities = () => getServices().approvalActivities();

const registered = {
  state: df.app.activity('approvalState', { handler: (input: ApprovalInput) => activities().state(input) }),
  remind: df.app.activity('approvalReminder', { handler: (input: ApprovalInput) => activities().remind(input) }),
  expire: df.app.activity('approvalExpire', { handler: (input: ApprovalInput) => activities().expire(input) }),
  execute: df.app.activity('approvalExecute', { handler: (input: ApprovalInput) => activities().execute(input) }),
  markFailed: df.app.activity('approvalMarkFailed', {
    handler: (input: ApprovalInput & { error: string }) => activities().markFailed(input),
  }),
};

df.app.orchestration(
  APPROVAL_ORCHESTRATOR,
  createApprovalOrchestrator(activityHandles<ApprovalActivities>(registered, APPROVAL_ACTIVITY_RETRIES)),
);
