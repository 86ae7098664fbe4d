import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, type TenantDoc } from '../platform/cosmos/tenant-repository';
import type { ChangeSource } from './event-kinds';

/** Where an agent stands in one source of one connected account. */
export interface WatermarkMark {
  /** The provider's change position (a Gmail history id), when it offers a change feed. */
  position: string | null;
  /** The newest item time read (mail), for providers without a change feed. */
  seenAt: string | null;
  /** A fingerprint of what was read (calendar window, documents), to tell "unchanged" without a feed. */
  fingerprint: string | null;
}

/** What a watermark follows: a change source, or (for agents that read conversations) the mail's threads. */
export type WatermarkSource = ChangeSource | 'threads';

/** A watermark as a step stages it: where it read from, and where it gets to when the run completes. */
export interface StagedWatermark {
  agentId: string;
  connectorId: string;
  source: WatermarkSource;
  from: WatermarkMark | null;
  to: WatermarkMark;
}

/** One agent × connected account × source, in the `eventState` container. */
export interface WatermarkDoc extends TenantDoc, WatermarkMark {
  type: 'watermark';
  agentId: string;
  connectorId: string;
  source: WatermarkSource;
  updatedAt: string;
}

/** What the person sees about a connected account's change reading (a position the provider refused). */
export interface ConnectorSyncDoc extends TenantDoc {
  type: 'connector-sync';
  connectorId: string;
  /** The last time a saved position was refused and an agent read its full window again. */
  lastFallback: { at: string; agentId: string; source: WatermarkSource; reason: string } | null;
  fallbacks: number;
}

const watermarkId = (agentId: string, connectorId: string, source: WatermarkSource) =>
  `watermark_${agentId}_${connectorId}_${source}`;
const syncId = (connectorId: string) => `connector-sync_${connectorId}`;

const sameMark = (a: WatermarkMark | null, b: WatermarkMark | null) =>
  (a?.position ?? null) === (b?.position ?? null) &&
  (a?.seenAt ?? null) === (b?.seenAt ?? null) &&
  (a?.fingerprint ?? null) === (b?.fingerprint ?? null);

/**
 * Watermarks: each run reads from where the agent's last completed run got to, and moves the mark only when it
 * completes. A mark moves only from the position the run started from (a conditional write), so a retried finish,
 * or an older run finishing late, never moves it back.
 */
export interface Watermarks {
  get(tenantId: string, agentId: string, connectorId: string, source: WatermarkSource): Promise<WatermarkMark | null>;
  /** Moves each staged mark from `from` to `to`; a mark that moved meanwhile stays. Returns how many moved. */
  advance(tenantId: string, staged: readonly StagedWatermark[]): Promise<number>;
  /** Records (on the connected account) that a saved position was refused and a full window was read. */
  fellBack(
    tenantId: string,
    connectorId: string,
    note: { agentId: string; source: WatermarkSource; reason: string },
  ): Promise<void>;
  /** The connected account's change-reading notes, or null when nothing happened. */
  syncOf(tenantId: string, connectorId: string): Promise<ConnectorSyncDoc | null>;
}

export function createWatermarks(deps: { store: CosmosStore; now: () => Date }): Watermarks {
  const marks = createTenantRepository<WatermarkDoc>(deps.store, 'eventState', 'watermark');
  const syncs = createTenantRepository<ConnectorSyncDoc>(deps.store, 'eventState', 'connector sync state');
  const markOf = (doc: WatermarkDoc | undefined): WatermarkMark | null =>
    doc ? { position: doc.position, seenAt: doc.seenAt, fingerprint: doc.fingerprint } : null;

  return {
    async get(tenantId, agentId, connectorId, source) {
      return markOf(await marks.get(tenantId, watermarkId(agentId, connectorId, source)));
    },

    async advance(tenantId, staged) {
      let moved = 0;
      for (const s of staged) {
        const id = watermarkId(s.agentId, s.connectorId, s.source);
        const doc: WatermarkDoc = {
          id,
          tenantId,
          type: 'watermark',
          agentId: s.agentId,
          connectorId: s.connectorId,
          source: s.source,
          ...s.to,
          updatedAt: deps.now().toISOString(),
        };
        const current = await marks.get(tenantId, id);
        if (!current) {
          if (s.from !== null) continue;
          const { created } = await marks.createIfAbsent(doc);
          if (created) moved += 1;
          continue;
        }
        if (!sameMark(markOf(current), s.from)) continue;
        try {
          await marks.replace(doc, current._etag);
          moved += 1;
        } catch {
          // Another run moved it first: that one read further.
        }
      }
      return moved;
    },

    async fellBack(tenantId, connectorId, note) {
      const id = syncId(connectorId);
      const fresh: ConnectorSyncDoc = {
        id,
        tenantId,
        type: 'connector-sync',
        connectorId,
        lastFallback: null,
        fallbacks: 0,
      };
      await syncs.createIfAbsent(fresh);
      await syncs.update(tenantId, id, (doc) => ({
        ...doc,
        lastFallback: { ...note, at: deps.now().toISOString() },
        fallbacks: doc.fallbacks + 1,
      }));
    },

    async syncOf(tenantId, connectorId) {
      return (await syncs.get(tenantId, syncId(connectorId))) ?? null;
    },
  };
}
