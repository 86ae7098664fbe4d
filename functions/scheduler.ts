import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../shared/app/services';
import { durableStarter } from '../shared/orchestration/durable-starter';
import { runSchedulerTick } from '../shared/orchestration/scheduler';

async function schedulerTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const report = await runSchedulerTick(
    {
      schedules: services.schedules,
      runs: services.runs,
      audit: services.audit,
      starter: durableStarter(df.getClient(context)),
      catchUpMinutes: services.settings.SCHEDULE_CATCH_UP_MINUTES,
    },
    services.clock.now(),
  );
  if (report.started.length || report.skippedSlots || report.failures) {
    context.log(
      `scheduler: started ${report.started.length}, already started ${report.alreadyStarted.length}, skipped ${report.skippedSlots}, failures ${report.failures}`,
    );
  }
}

app.timer('startScheduledRuns', {
  schedule: '0 * * * * *',
  handler: schedulerTimer,
  extraInputs: [df.input.durableClient()],
});
