import type { PrivacyParticipant } from '../identity/privacy';
import type { ConnectorService } from './connector-service';

/** Connected accounts in export and erasure: listed without their tokens; erasure revokes access at the provider. */
export function connectorsPrivacy(connectors: () => Pick<ConnectorService, 'eraseTenant'>): PrivacyParticipant {
  return {
    name: 'connectors',
    // Export lists connected accounts; tokens, their key ids and refresh leases never leave.
    exportOmit: { connectors: ['tokens', 'refreshLease'] },
    async erase(tenantId) {
      await connectors().eraseTenant(tenantId);
    },
  };
}
