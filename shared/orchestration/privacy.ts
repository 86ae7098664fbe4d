import type { PrivacyParticipant } from '../identity/privacy';
import { instanceIdOf } from './run-model';
import type { RunService } from './run-service';

/**
 * Erasure of the tenant's run orchestrations. Each run's instance id is derived from its document
 * (`run:<tenantId>:<runId>`), so the tenant's own runs name every instance to stop and purge: the task hub is never
 * listed, and another tenant's instances are never looked at.
 */
export function runsPrivacy(runs: () => Pick<RunService, 'list'>): PrivacyParticipant {
  return {
    name: 'runs',
    async erase(tenantId, ctx) {
      const durable = ctx.durable;
      if (!durable) return;
      let orchestrations = 0;
      let cursor: string | undefined;
      do {
        const page = await runs().list(tenantId, { limit: 100, cursor });
        for (const run of page.items) {
          const instanceId = run.instanceId || instanceIdOf(tenantId, run.id);
          // A finished instance cannot be terminated; that refusal is expected and changes nothing.
          await durable.terminate(instanceId, 'The person deleted their account').catch(() => undefined);
          orchestrations += (await durable.purgeInstanceHistory(instanceId)).instancesDeleted;
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { orchestrations };
    },
  };
}
