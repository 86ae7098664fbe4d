import { createHash } from 'node:crypto';
import type { CosmosStore } from '../platform/cosmos/store';

/** Progress of one idempotent send, for vendors that cannot look a sent message up by our own id. */
export interface SendLedgerEntry {
  state: 'sending' | 'sent';
  draftId: string;
  result?: { id: string; threadId: string; internetMessageId: string };
}

export interface SendLedger {
  get(key: string): Promise<SendLedgerEntry | undefined>;
  put(key: string, entry: SendLedgerEntry): Promise<void>;
}

const PK = 'send-ledger';
const RETENTION_SECONDS = 30 * 86_400;

/** A connector's ledger in the `system` container, keyed by a hash of tenant, connector and idempotency key. */
export function cosmosSendLedger(store: CosmosStore, tenantId: string, connectorId: string): SendLedger {
  const idOf = (key: string) =>
    `send:${createHash('sha256').update(`${tenantId}\u0000${connectorId}\u0000${key}`).digest('hex')}`;
  return {
    async get(key) {
      try {
        const { resource } = await (
          await store.container('system')
        )
          .item(idOf(key), PK)
          .read<SendLedgerEntry & { id: string }>();
        return resource ? { state: resource.state, draftId: resource.draftId, result: resource.result } : undefined;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    async put(key, entry) {
      await (
        await store.container('system')
      ).items.upsert({ id: idOf(key), pk: PK, tenantId, ...entry, ttl: RETENTION_SECONDS });
    },
  };
}
