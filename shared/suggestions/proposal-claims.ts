import { createHash } from 'node:crypto';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import { mapLimited } from '../platform/pool';
import type { Proposal } from './kinds';

/** "This agent proposed this kind of action about this item": held by one suggestion, whatever becomes of it. */
interface ProposalClaimDoc extends TenantDoc {
  type: 'proposal-claim';
  agentId: string;
  kind: string;
  item: string;
  suggestionId: string;
  createdAt: string;
}

/** The items a proposal is about: its sources (but the run) and, for bulk kinds, every message id of its payload. */
export function itemsOf(proposal: Proposal): string[] {
  const items = new Set(proposal.sources.filter((s) => s.type !== 'run').map((s) => `${s.type}:${s.id}`));
  const ids = (proposal.payload as { messageIds?: unknown }).messageIds;
  if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') items.add(`message:${id}`);
  return [...items];
}

/**
 * The proposal without the items another suggestion holds: a bulk proposal keeps the rest of its messages; a proposal
 * about one item (a reply, an event) is dropped. Undefined when nothing is left.
 */
export function withoutTaken(proposal: Proposal, taken: ReadonlySet<string>): Proposal | undefined {
  if (taken.size === 0) return proposal;
  const payload = proposal.payload as { messageIds?: unknown };
  if (!Array.isArray(payload.messageIds)) return undefined;
  const messageIds = (payload.messageIds as string[]).filter((id) => !taken.has(`message:${id}`));
  if (messageIds.length === 0) return undefined;
  return {
    ...proposal,
    payload: { ...payload, messageIds },
    sources: proposal.sources.filter((s) => s.type === 'run' || !taken.has(`${s.type}:${s.id}`)),
  } as Proposal;
}

/**
 * Suggestions are idempotent by (agent, kind, source item): each item is claimed, atomically (create-if-absent), by
 * the first suggestion that proposes that kind of action about it. A later run finds the claim, whatever the
 * suggestion's status (pending, approved, executed, rejected, expired), and does not propose it again.
 */
export interface ProposalClaims {
  /** Claims the items for `suggestionId`; returns those another suggestion already holds. */
  claim(
    tenantId: string,
    claim: { agentId: string; kind: string; suggestionId: string },
    items: readonly string[],
  ): Promise<Set<string>>;
  /** Gives back the items this suggestion claimed (its proposal was dropped after all). */
  release(
    tenantId: string,
    claim: { agentId: string; kind: string; suggestionId: string },
    items: readonly string[],
  ): Promise<void>;
}

export function createProposalClaims(store: CosmosStore, now: () => Date): ProposalClaims {
  const repo = createTenantRepository<ProposalClaimDoc>(store, 'suggestions', 'proposal claim');
  const idOf = (tenantId: string, agentId: string, kind: string, item: string) =>
    'claim_' + createHash('sha256').update(`${tenantId}\n${agentId}\n${kind}\n${item}`).digest('hex').slice(0, 32);

  return {
    async claim(tenantId, claim, items) {
      const taken = new Set<string>();
      await mapLimited(items, 8, async (item) => {
        const { doc } = await repo.createIfAbsent({
          id: idOf(tenantId, claim.agentId, claim.kind, item),
          tenantId,
          type: 'proposal-claim',
          agentId: claim.agentId,
          kind: claim.kind,
          item,
          suggestionId: claim.suggestionId,
          createdAt: now().toISOString(),
        });
        if (doc.suggestionId !== claim.suggestionId) taken.add(item);
      });
      return taken;
    },

    async release(tenantId, claim, items) {
      for (const item of items) {
        const id = idOf(tenantId, claim.agentId, claim.kind, item);
        const doc = await repo.get(tenantId, id);
        if (doc?.suggestionId === claim.suggestionId) await repo.delete(tenantId, id).catch(() => undefined);
      }
    },
  };
}
