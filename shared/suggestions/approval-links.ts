import type { Clock } from '../platform/clock';
import type { Actor } from '../platform/audit/actor';
import { AppError, NotFoundError } from '../platform/errors';
import type { Stored } from '../platform/cosmos/tenant-repository';
import type { LinkClaims, LinkSigner } from './link-signer';
import type { SuggestionDoc } from './model';
import { blockedReason } from './risk';
import type { SuggestionService } from './suggestion-service';
import type { SystemMarkers } from './system-markers';

/** How an emailed link ends: an HTTP status and words for the page. */
export interface LinkOutcome {
  status: number;
  title: string;
  message: string;
  /** Present when the link is valid for a pending suggestion (GET) or after a decision (POST). */
  suggestion?: Stored<SuggestionDoc>;
  decision?: 'approve' | 'reject';
  /** The suggestion the link was for, when the link was genuine: the page links to it in the app. */
  suggestionId?: string;
}

const USED_KIND = 'approval-link';

const INVALID: LinkOutcome = {
  status: 400,
  title: 'This link is not valid',
  message: 'The link is incomplete or was changed. Open the suggestion in the app instead.',
};
const EXPIRED: LinkOutcome = {
  status: 410,
  title: 'This link has expired',
  message: 'Approval links work for a limited time. Open the suggestion in the app to decide.',
};
const USED: LinkOutcome = {
  status: 410,
  title: 'This link was already used',
  message: 'Each approval link works once. Open the suggestion in the app to see what happened.',
};
const REVOKED: LinkOutcome = {
  status: 410,
  title: 'This link was turned off',
  message:
    'Approval links from earlier emails stop working when email approvals are turned off. Open the suggestion in the app to decide.',
};
/** A suggestion with a blocking flag is approved only after opening it in the app; the page says why. */
function blockedOutcome(doc: Stored<SuggestionDoc>, reason: string): LinkOutcome {
  return { status: 409, title: 'Open this suggestion in the app', message: reason, suggestion: doc };
}
const GONE: LinkOutcome = { status: 404, title: 'Suggestion not found', message: 'This suggestion no longer exists.' };

/** Emailed approve/reject links: signed, single-use, expiring, bound to one tenant, suggestion and decision. */
export interface ApprovalLinks {
  /** A link for one decision, of the tenant's current link `epoch`; expires with the suggestion at the latest. */
  linkFor(doc: SuggestionDoc, decision: 'approve' | 'reject', epoch: number): string;
  /** GET: what the link would do. Changes nothing (mail scanners open links). */
  inspect(token: string): Promise<LinkOutcome>;
  /** POST: uses the link once and applies its decision. */
  decide(token: string, correlationId: string): Promise<LinkOutcome>;
}

export function createApprovalLinks(deps: {
  signer: LinkSigner;
  markers: SystemMarkers;
  suggestions: () => SuggestionService;
  clock: Clock;
  publicBaseUrl: string;
  linkTtlSeconds: number;
  /** The tenant's current link epoch (0 for a tenant that never turned links off). */
  linkEpoch: (tenantId: string) => Promise<number>;
}): ApprovalLinks {
  const base = deps.publicBaseUrl.replace(/\/$/, '');

  async function check(
    token: string,
  ): Promise<{ outcome: LinkOutcome } | { claims: Extract<LinkClaims, { purpose: 'decide' }> }> {
    const result = deps.signer.verify(token, deps.clock.now());
    if (!result.ok) return { outcome: result.reason === 'expired' ? EXPIRED : INVALID };
    if (result.claims.purpose !== 'decide') return { outcome: INVALID };
    if (result.claims.epoch !== (await deps.linkEpoch(result.claims.tenantId))) return { outcome: REVOKED };
    return { claims: result.claims };
  }

  async function load(claims: { tenantId: string; suggestionId: string }): Promise<Stored<SuggestionDoc> | undefined> {
    try {
      return await deps.suggestions().get(claims.tenantId, claims.suggestionId);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  function decided(doc: Stored<SuggestionDoc>): LinkOutcome {
    const words: Record<string, string> = {
      // Still pending only when its deadline has passed and the expiry is being recorded.
      pending: 'expired before a decision was made',
      approved: 'was already approved',
      executing: 'was already approved and is being carried out',
      executed: 'was already approved and carried out',
      failed: 'was approved but could not be carried out',
      rejected: 'was already rejected',
      expired: 'expired before a decision was made',
      undone: 'was carried out and then undone',
    };
    return {
      status: 409,
      title: 'Already decided',
      message: `This suggestion ${words[doc.status] ?? 'can no longer be decided'}.`,
      suggestion: doc,
    };
  }

  return {
    linkFor(doc, decision, epoch) {
      const expiresAt = Math.min(
        Math.floor(deps.clock.now().getTime() / 1000) + deps.linkTtlSeconds,
        Math.floor(Date.parse(doc.expiresAt) / 1000),
      );
      const token = deps.signer.sign({
        purpose: 'decide',
        tenantId: doc.tenantId,
        suggestionId: doc.id,
        decision,
        epoch,
        expiresAt,
      });
      return `${base}/api/approvals/${token}`;
    },

    async inspect(token) {
      const checked = await check(token);
      if ('outcome' in checked) return checked.outcome;
      const { claims } = checked;
      if (await deps.markers.exists(USED_KIND, claims.nonce)) return { ...USED, suggestionId: claims.suggestionId };
      const doc = await load(claims);
      if (!doc) return GONE;
      if (doc.status !== 'pending') return decided(doc);
      const blocked = claims.decision === 'approve' ? blockedReason(doc.riskFlags) : undefined;
      if (blocked) return blockedOutcome(doc, blocked);
      return {
        status: 200,
        title: claims.decision === 'approve' ? 'Approve this suggestion?' : 'Reject this suggestion?',
        message: 'Nothing has happened yet. Confirm below.',
        suggestion: doc,
        decision: claims.decision,
      };
    },

    async decide(token, correlationId) {
      const checked = await check(token);
      if ('outcome' in checked) return checked.outcome;
      const { claims } = checked;
      const doc = await load(claims);
      if (!doc) return GONE;
      const blocked = claims.decision === 'approve' ? blockedReason(doc.riskFlags) : undefined;
      if (blocked) return blockedOutcome(doc, blocked);
      const ttl = claims.expiresAt - Math.floor(deps.clock.now().getTime() / 1000) + 3600;
      if (
        !(await deps.markers.claim(USED_KIND, claims.nonce, ttl, {
          tenantId: claims.tenantId,
          suggestionId: claims.suggestionId,
        }))
      )
        return { ...USED, suggestionId: claims.suggestionId };
      const actor: Actor = { actorId: claims.tenantId, source: 'email-link', correlationId };
      try {
        const after =
          claims.decision === 'approve'
            ? await deps.suggestions().approve(claims.tenantId, claims.suggestionId, undefined, actor)
            : await deps.suggestions().reject(claims.tenantId, claims.suggestionId, undefined, actor);
        return claims.decision === 'approve'
          ? {
              status: 200,
              title: 'Approved',
              message: after.heldUntil
                ? `It will be sent in ${Math.max(1, Math.round((Date.parse(after.heldUntil) - deps.clock.now().getTime()) / 1000))} seconds. To stop it, open it in the app and press Undo before then.`
                : 'It will be carried out in a moment. The app shows when it is done.',
              suggestion: after,
              decision: 'approve',
            }
          : { status: 200, title: 'Rejected', message: 'Nothing will be done.', suggestion: after, decision: 'reject' };
      } catch (err) {
        if (err instanceof AppError && err.status === 409) {
          const current = await load(claims);
          return current ? decided(current) : GONE;
        }
        // The decision did not happen: the link may be used again.
        await deps.markers.release(USED_KIND, claims.nonce);
        throw err;
      }
    },
  };
}
