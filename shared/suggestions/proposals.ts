import { createHash } from 'node:crypto';
import { mapLimited } from '../platform/pool';
import type { Proposal, ProposalOrigin, SuggestionSink } from './kinds';
import type { SuggestionDoc } from './model';
import { buildPreview } from './preview';
import { createProposalClaims, itemsOf, withoutTaken } from './proposal-claims';
import { assessRisk } from './risk';
import type { SuggestionParts } from './service-contract';
import { parseProposals } from './validation';

/**
 * Deterministic per run, step and position, so a retried step stores each proposal once, and the steps of one run
 * (parallel ones too) never share an id.
 */
function suggestionIdFor(tenantId: string, runId: string, index: number, stepId?: string): string {
  const scope = stepId === undefined ? `${tenantId}\n${runId}` : `${tenantId}\n${runId}\n${stepId}`;
  return 'sug_' + createHash('sha256').update(`${scope}\n${index}`).digest('hex').slice(0, 24);
}

function newSuggestion(
  id: string,
  origin: ProposalOrigin,
  proposal: Proposal,
  ownerEmail: string | undefined,
  createdAt: Date,
  lifetimeSeconds: number,
): SuggestionDoc {
  return {
    id,
    tenantId: origin.tenantId,
    type: 'suggestion',
    kind: proposal.kind,
    payload: proposal.payload as Record<string, unknown>,
    rationale: proposal.rationale,
    sources: proposal.sources,
    ...(proposal.confidence !== undefined ? { confidence: proposal.confidence } : {}),
    origin: {
      runId: origin.runId,
      ...(origin.stepId !== undefined ? { stepId: origin.stepId } : {}),
      agentId: origin.agentId,
      templateId: origin.templateId,
      promptVersion: origin.promptVersion,
      model: origin.model,
    },
    riskFlags: assessRisk(proposal, ownerEmail),
    preview: buildPreview(proposal),
    status: 'pending',
    createdAt: createdAt.toISOString(),
    expiresAt: new Date(createdAt.getTime() + Math.max(1, lifetimeSeconds) * 1000).toISOString(),
    updatedAt: createdAt.toISOString(),
  };
}

/**
 * Agents hand their proposals over here: each becomes a pending suggestion, once, however often the run retries; and
 * what the agent already proposed about the same items in an earlier run is left out (see `ProposalClaims`).
 */
export function createProposals({ deps, store, audit, events, now }: SuggestionParts): SuggestionSink {
  const claims = createProposalClaims(deps.store, now);
  return {
    async propose(origin, proposals) {
      const createdAt = now();
      const ownerEmail = await deps.ownerEmail(origin.tenantId);
      const valid = parseProposals(proposals);
      const stored = await mapLimited([...valid.entries()], 8, async ([index, proposal]) => {
        const id = suggestionIdFor(origin.tenantId, origin.runId, index, origin.stepId);
        const claim = { agentId: origin.agentId, kind: proposal.kind, suggestionId: id };
        const items = itemsOf(proposal);
        const kept = withoutTaken(proposal, await claims.claim(origin.tenantId, claim, items));
        if (!kept) {
          await claims.release(origin.tenantId, claim, items);
          return undefined;
        }
        const lifetime = Math.min(deps.expirySeconds, kept.expiresInSeconds ?? deps.expirySeconds);
        const result = await store.createIfAbsent(newSuggestion(id, origin, kept, ownerEmail, createdAt, lifetime));
        if (result.created) await audit.created(result.doc, origin);
        return result.doc;
      });
      const fresh = stored.filter((doc): doc is NonNullable<typeof doc> => doc !== undefined);
      await events.created(fresh, origin.correlationId);
      return fresh.map((doc) => doc.id);
    },
  };
}
