import type { PrivacyParticipant } from '../identity/privacy';
import type { TriggerIndex } from './trigger-index';

/** Erasure of the tenant's trigger and poll entries and change markers: they live in the `system` container. */
export function eventsPrivacy(triggers: () => Pick<TriggerIndex, 'removeAllOfTenant'>): PrivacyParticipant {
  return {
    name: 'event-triggers',
    async erase(tenantId) {
      await triggers().removeAllOfTenant(tenantId);
    },
  };
}
