import { createHash } from 'node:crypto';
import { mapLimited } from '../platform/pool';
import type { Proposal, ProposalOrigin, SuggestionSink } from './kinds';
import type { SuggestionDoc } from './model';
import { buildPreview } from './preview';
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

/** Agents hand their proposals over here: each becomes a pending suggestion, once, however often the run retries. */
export function createProposals({ deps, store, audit, events, now }: SuggestionParts): SuggestionSink {
  return {
    async propose(origin, proposals) {
      const createdAt = now();
      const ownerEmail = await deps.ownerEmail(origin.tenantId);
      const valid = parseProposals(proposals);
      const stored = await mapLimited([...valid.entries()], 8, async ([index, proposal]) => {
        const id = suggestionIdFor(origin.tenantId, origin.runId, index, origin.stepId);
        const lifetime = Math.min(deps.expirySeconds, proposal.expiresInSeconds ?? deps.expirySeconds);
        const result = await store.createIfAbsent(newSuggestion(id, origin, proposal, ownerEmail, createdAt, lifetime));
        if (result.created) await audit.created(result.doc, origin);
        return result.doc;
      });
      await events.created(stored, origin.correlationId);
      return stored.map((doc) => doc.id);
    },
  };
}
