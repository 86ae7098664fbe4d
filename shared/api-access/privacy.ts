import type { PrivacyParticipant } from '../identity/privacy';
import type { ApiTokenService } from './token-service';

/**
 * Access tokens and webhooks in export and erasure: exported without their hashes and signing secrets; erasure also
 * removes the tokens' lookup entries in the `system` container, which the default erasure does not cover.
 */
export function apiAccessPrivacy(tokens: () => Pick<ApiTokenService, 'eraseTenant'>): PrivacyParticipant {
  return {
    name: 'api-access',
    exportOmit: { apiTokens: ['hash'], webhooks: ['sealedSecret'] },
    async erase(tenantId) {
      await tokens().eraseTenant(tenantId);
    },
  };
}
