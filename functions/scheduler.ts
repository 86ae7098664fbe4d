import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { registerPrivacyParticipant } from '../shared/identity/privacy';
import { runSchedulerTick, type TickReport } from '../shared/orchestration/scheduler';
import type { OrchestrationStarter } from '../shared/orchestration/run-service';
import { durableStarter } from './orchestration-run';

/** One tick at `now` (the timer passes the clock's time; tests pass the instants they need). */
export function schedulerTick(now: Date, starter: OrchestrationStarter): Promise<TickReport> {
  const platform = getServices().agentPlatform();
  return runSchedulerTick(
    {
      schedules: platform.schedules,
      runs: platform.runs,
      audit: getServices().audit,
      starter,
      catchUpMinutes: getServices().settings.SCHEDULE_CATCH_UP_MINUTES,
    },
    now,
  );
}

export async function schedulerTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const report = await schedulerTick(getServices().clock.now(), durableStarter(df.getClient(context)));
  if (report.started.length || report.skippedSlots || report.failures) {
    context.log(
      `scheduler: started ${report.started.length}, already started ${report.alreadyStarted.length}, skipped ${report.skippedSlots}, failures ${report.failures}`,
    );
  }
}

app.timer('scheduler', { schedule: '0 * * * * *', handler: schedulerTimer, extraInputs: [df.input.durableClient()] });

// Erasure: the tenant's schedule entries live in the `system` container, which the default erasure does not cover.
// (Run documents are tenant data; run orchestrations carry the tenant in their instance id and are purged by default.)
registerPrivacyParticipant({
  name: 'schedules',
  async erase(tenantId) {
    await getServices().agentPlatform().schedules().removeAllOfTenant(tenantId);
  },
});
