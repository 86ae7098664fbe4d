import type { PrivacyParticipant } from '../identity/privacy';
import type { ScheduleIndex } from './schedule-index';

/**
 * Erasure of the tenant's schedule entries: they live in the `system` container, which the default erasure does not
 * cover. (Run orchestrations are purged by the runs' participant, from the run documents.)
 */
export function schedulesPrivacy(schedules: () => Pick<ScheduleIndex, 'removeAllOfTenant'>): PrivacyParticipant {
  return {
    name: 'schedules',
    async erase(tenantId) {
      await schedules().removeAllOfTenant(tenantId);
    },
  };
}
