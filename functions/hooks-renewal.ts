import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../shared/app/services';

/** Renews push subscriptions and watches before they expire; what cannot be renewed falls back to polling. */
export async function renewPushSubscriptions(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const report = await services.pushSubscriptions().renewDue(services.clock.now());
  if (report.renewed || report.restarted || report.failed || report.stopped) {
    context.log(
      `push renewal: renewed ${report.renewed}, restarted ${report.restarted}, failed ${report.failed}, stopped ${report.stopped}`,
    );
  }
}

app.timer('renewPushSubscriptions', { schedule: '0 */5 * * * *', handler: renewPushSubscriptions });
