import type { PrivacyParticipant } from '../identity/privacy';
import type { ScheduleIndex } from './schedule-index';

/**
 * Erasure of the tenant's schedule entries: they live in the `system` container, which the default erasure does not
 * cover. (Run documents are tenant data; run orchestrations carry the tenant in their instance id and are purged by
 * default.)
 */
export function schedulesPrivacy(schedules: () => Pick<ScheduleIndex, 'removeAllOfTenant'>): PrivacyParticipant {
  return {
    name: 'schedules',
    async erase(tenantId) {
      await schedules().removeAllOfTenant(tenantId);
    },
  };
}
