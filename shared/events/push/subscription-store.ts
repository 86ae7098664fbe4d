import type { CosmosStore } from '../../platform/cosmos/store';
import type { ChangeSource } from '../event-kinds';

export const PUSH_SUBSCRIPTION_PK = 'push-subscriptions';

/** `active`: the provider pushes changes; `failed`: it could not be started or renewed, so the source is polled. */
export type PushState = 'active' | 'failed';

/**
 * One push channel of a connected account and source, in one partition of the `system` container: notifications
 * find it by channel id, the renewal timer by `renewAt` (one indexed range query, never a scan of tenants).
 */
export interface PushSubscription {
  id: string;
  pk: typeof PUSH_SUBSCRIPTION_PK;
  tenantId: string;
  connectorId: string;
  provider: 'google' | 'microsoft';
  source: ChangeSource;
  /** The provider's id: Graph subscription id, or the mailbox address (lower case) of a Gmail watch. */
  channelId: string;
  /** sha256 (hex) of the per-subscription secret Graph echoes as `clientState`; the secret itself is not kept. */
  secretHash?: string;
  state: PushState;
  expiresAt: string;
  /** When the renewal timer picks it up: `expiresAt` less the renewal margin (failed: when it is tried again). */
  renewAt: string;
  createdAt: string;
  updatedAt: string;
  renewedAt?: string;
  /** Safe words about the last failure. */
  lastError?: string;
  _etag?: string;
}

export const subscriptionId = (tenantId: string, connectorId: string, source: ChangeSource) =>
  `push:${tenantId}:${connectorId}:${source}`;

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code ?? (err as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The push subscriptions index (system container). */
export interface PushSubscriptionStore {
  get(tenantId: string, connectorId: string, source: ChangeSource): Promise<PushSubscription | undefined>;
  /** Subscriptions a provider's notification names (several tenants may have connected the same mailbox). */
  byChannel(provider: PushSubscription['provider'], channelId: string): Promise<PushSubscription[]>;
  /** Subscriptions whose renewal (or, for failed ones, retry) time has come, soonest first. */
  dueForRenewal(now: Date, max: number): Promise<PushSubscription[]>;
  /** Writes `next`; with `ifMatch`, only over that version (false when someone else changed it first). */
  save(next: PushSubscription, ifMatch?: string): Promise<boolean>;
  remove(tenantId: string, connectorId: string, source: ChangeSource): Promise<void>;
  /** The tenant's subscriptions (connector view, erasure). */
  ofTenant(tenantId: string): Promise<PushSubscription[]>;
}

export function createPushSubscriptionStore(store: CosmosStore): PushSubscriptionStore {
  const container = () => store.container('system');
  const query = async (text: string, parameters: { name: string; value: string }[], max?: number) => {
    const iterator = (await container()).items.query<PushSubscription>(
      { query: text, parameters: [{ name: '@pk', value: PUSH_SUBSCRIPTION_PK }, ...parameters] },
      { partitionKey: PUSH_SUBSCRIPTION_PK, ...(max ? { maxItemCount: max } : {}) },
    );
    return max ? (await iterator.fetchNext()).resources : (await iterator.fetchAll()).resources;
  };

  return {
    async get(tenantId, connectorId, source) {
      try {
        const { resource } = await (
          await container()
        )
          .item(subscriptionId(tenantId, connectorId, source), PUSH_SUBSCRIPTION_PK)
          .read<PushSubscription>();
        return resource ?? undefined;
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },

    byChannel: (provider, channelId) =>
      query('SELECT * FROM c WHERE c.pk = @pk AND c.channelId = @channel AND c.provider = @provider', [
        { name: '@channel', value: channelId },
        { name: '@provider', value: provider },
      ]),

    dueForRenewal: (now, max) =>
      query(
        'SELECT * FROM c WHERE c.pk = @pk AND c.renewAt <= @now ORDER BY c.renewAt',
        [{ name: '@now', value: now.toISOString() }],
        max,
      ),

    async save(next, ifMatch) {
      const { _etag, ...body } = next;
      void _etag;
      const items = (await container()).items;
      if (!ifMatch) {
        await items.upsert(body);
        return true;
      }
      try {
        await (
          await container()
        )
          .item(next.id, PUSH_SUBSCRIPTION_PK)
          .replace(body, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 404) return false;
        throw err;
      }
    },

    async remove(tenantId, connectorId, source) {
      try {
        await (await container()).item(subscriptionId(tenantId, connectorId, source), PUSH_SUBSCRIPTION_PK).delete();
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },

    ofTenant: (tenantId) =>
      query('SELECT * FROM c WHERE c.pk = @pk AND c.tenantId = @tenantId', [{ name: '@tenantId', value: tenantId }]),
  };
}
