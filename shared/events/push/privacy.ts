import type { PrivacyParticipant } from '../../identity/privacy';
import type { PushSubscriptions } from './push-subscriptions';

/**
 * Erasure of the tenant's push channels: stopped at the provider while the tokens still exist (so this runs before
 * the connectors' erasure), and removed from the `system` container, which the default erasure does not cover.
 */
export function pushPrivacy(subscriptions: () => Pick<PushSubscriptions, 'eraseTenant'>): PrivacyParticipant {
  return {
    name: 'push-subscriptions',
    async erase(tenantId) {
      await subscriptions().eraseTenant(tenantId);
    },
  };
}
