import type { PrivacyParticipant } from '../identity/privacy';
import { approvalInstanceId } from './approval-orchestrator';
import type { SuggestionService } from './suggestion-service';
import type { SystemMarkers } from './system-markers';

/** Approval waits of the tenant's suggestions are stopped and purged; queued digests and used-link markers go. */
export function approvalsPrivacy(deps: {
  suggestions: () => Pick<SuggestionService, 'list'>;
  markers: () => Pick<SystemMarkers, 'release' | 'eraseTenant'>;
}): PrivacyParticipant {
  return {
    name: 'approvals',
    async erase(tenantId, ctx) {
      let orchestrations = 0;
      let cursor: string | undefined;
      do {
        const page = await deps.suggestions().list(tenantId, { limit: 100, cursor });
        if (ctx.durable) {
          for (const doc of page.items) {
            const instanceId = approvalInstanceId(tenantId, doc.id);
            await ctx.durable.terminate(instanceId, 'tenant erased').catch(() => undefined);
            const purged = await ctx.durable.purgeInstanceHistory(instanceId).catch(() => undefined);
            orchestrations += purged?.instancesDeleted ?? 0;
          }
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      await deps.markers().release('digest', tenantId);
      await deps.markers().eraseTenant('approval-link', tenantId);
      await deps.markers().eraseTenant('notified-run', tenantId);
      return { orchestrations };
    },
  };
}
