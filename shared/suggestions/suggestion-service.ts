import { createDecisions } from './decisions';
import { createExecution } from './execution';
import { canTransition } from './lifecycle';
import { createProposals } from './proposals';
import type { SuggestionParts, SuggestionService, SuggestionServiceDeps } from './service-contract';
import { createSuggestionAudit } from './suggestion-audit';
import { createSuggestionEvents } from './suggestion-events';
import { createSuggestionStore } from './suggestion-store';

export type { SuggestionService } from './service-contract';

/**
 * Suggestions from proposal to outcome. The operations live by concern: `proposals.ts` (agents hand over),
 * `decisions.ts` (the person approves or rejects), `execution.ts` (carried out, failed, undone) and the approval
 * wait's own steps below; every write goes through `suggestion-store.ts`, which holds it to `lifecycle.ts`.
 */
export function createSuggestionService(deps: SuggestionServiceDeps): SuggestionService {
  const log = deps.log ?? ((message, err) => console.warn(message, err));
  const parts: SuggestionParts = {
    deps,
    store: createSuggestionStore(deps.store),
    audit: createSuggestionAudit(deps.audit),
    events: createSuggestionEvents({ events: deps.events, clock: deps.clock, log }),
    now: () => deps.clock.now(),
    log,
  };
  const { store, audit, events, now } = parts;

  return {
    ...createProposals(parts),
    ...createDecisions(parts),
    ...createExecution(parts),
    list: (tenantId, query) => store.list(tenantId, query),
    get: (tenantId, id) => store.get(tenantId, id),

    async approvalState(tenantId, id) {
      const doc = await store.get(tenantId, id);
      return {
        status: doc.status,
        expiresAt: doc.expiresAt,
        ...(doc.reminderSentAt ? { reminderSentAt: doc.reminderSentAt } : {}),
        ...(doc.status === 'approved' && doc.heldUntil ? { heldUntil: doc.heldUntil } : {}),
      };
    },

    async expire(tenantId, id) {
      const at = now().toISOString();
      const { after, changed } = await store.transition(tenantId, id, undefined, (doc) =>
        canTransition(doc.status, 'expired') ? { ...doc, status: 'expired', updatedAt: at } : undefined,
      );
      if (changed) {
        await audit.expired(after);
        await events.changed('SuggestionExpired', after, { expiredAt: at });
      }
      return after.status;
    },

    async markReminded(tenantId, id) {
      const at = now().toISOString();
      const { changed } = await store.transition(tenantId, id, undefined, (doc) =>
        doc.status === 'pending' && !doc.reminderSentAt ? { ...doc, reminderSentAt: at, updatedAt: at } : undefined,
      );
      return changed;
    },
  };
}
