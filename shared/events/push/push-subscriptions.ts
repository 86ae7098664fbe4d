import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Settings } from '../../platform/config';
import type { Clock } from '../../platform/clock';
import type { AuditLog } from '../../platform/audit/audit-log';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors';
import { mapLimited } from '../../platform/pool';
import type { PushProvider, PushRequest } from '../../connectors/push';
import type { ChangeSource } from '../event-kinds';
import type { ConnectorHub } from '../../connectors/types';
import type { pushStateView } from '../../connectors/view';
import { hashSecret } from './graph-notifications';
import { subscriptionId, type PushSubscription, type PushSubscriptionStore } from './subscription-store';

export type PushSettings = Pick<
  Settings,
  | 'PUSH_BASE_URL'
  | 'GMAIL_PUSH_TOPIC'
  | 'GMAIL_PUSH_AUDIENCE'
  | 'GMAIL_PUSH_SERVICE_ACCOUNT'
  | 'GRAPH_SUBSCRIPTION_MINUTES'
  | 'PUSH_RENEW_AHEAD_MINUTES'
  | 'PUSH_RENEW_CONCURRENCY'
>;

export interface PushSubscriptionsDeps {
  settings: PushSettings;
  clock: Clock;
  store: PushSubscriptionStore;
  connectors: Pick<ConnectorHub, 'get' | 'push'>;
  audit: () => AuditLog;
  /** Whether an event trigger of the tenant still watches the source; a channel nobody needs is stopped, not renewed. */
  watching(tenantId: string, source: ChangeSource): Promise<boolean>;
}

export interface RenewalReport {
  renewed: number;
  restarted: number;
  failed: number;
  /** Channels no trigger needs any more: stopped instead of renewed. */
  stopped: number;
}

/**
 * Push channels of connected accounts: started when an account has a matching event trigger, renewed before they
 * expire by a timer, and, when that fails, marked `failed` (the source is then polled), audited and shown on the
 * connector.
 */
export interface PushSubscriptions {
  /**
   * Makes sure the provider pushes changes of `source` for the account: keeps a live channel, starts one otherwise.
   * Undefined when push is not configured or the provider has none for that source (the source is polled).
   */
  ensure(tenantId: string, connectorId: string, source: ChangeSource): Promise<PushSubscription | undefined>;
  /** Stops pushing (no trigger needs the source any more, or the account is disconnected). */
  stop(tenantId: string, connectorId: string, source: ChangeSource): Promise<void>;
  /**
   * The renewal timer's tick: renews what expires within the margin and retries failed channels hourly, with bounded
   * concurrency.
   */
  renewDue(now: Date): Promise<RenewalReport>;
  /** Renews one channel now (Graph `reauthorizationRequired`). */
  renew(subscription: PushSubscription): Promise<PushSubscription>;
  /** Starts a new channel in place of one the provider removed (Graph `subscriptionRemoved`). */
  restart(subscription: PushSubscription): Promise<PushSubscription>;
  /** The tenant's push channels as the connectors show them, by connector id. */
  statesOf(tenantId: string): Promise<Record<string, PushStateView[]>>;
  /** Erasure: stops every channel of the tenant (best effort) and forgets them. */
  eraseTenant(tenantId: string): Promise<number>;
}

const RENEWALS_PER_TICK = 200;
/** A channel that failed is tried again this long after. */
const RETRY_FAILED_MS = 60 * 60_000;

type PushStateView = z.infer<typeof pushStateView>;

export function createPushSubscriptions(deps: PushSubscriptionsDeps): PushSubscriptions {
  const { settings, store } = deps;
  const aheadMs = settings.PUSH_RENEW_AHEAD_MINUTES * 60_000;
  const base = settings.PUSH_BASE_URL?.replace(/\/$/, '');
  const gmailConfigured = Boolean(
    settings.GMAIL_PUSH_TOPIC && settings.GMAIL_PUSH_AUDIENCE && settings.GMAIL_PUSH_SERVICE_ACCOUNT,
  );

  /** Where the provider sends notifications; undefined when push to that provider is not configured. */
  function requestFor(provider: string, source: ChangeSource, now: Date): PushRequest | undefined {
    const expiresAt = new Date(now.getTime() + settings.GRAPH_SUBSCRIPTION_MINUTES * 60_000).toISOString();
    if (provider === 'microsoft' && base)
      return { source, address: `${base}/api/hooks/graph`, lifecycleAddress: `${base}/api/hooks/graph`, expiresAt };
    if (provider === 'google' && gmailConfigured) return { source, address: settings.GMAIL_PUSH_TOPIC!, expiresAt };
    return undefined;
  }

  const withTimes = (doc: PushSubscription, expiresAt: string, now: Date): PushSubscription => ({
    ...doc,
    state: 'active',
    expiresAt,
    renewAt: new Date(Math.max(now.getTime(), Date.parse(expiresAt) - aheadMs)).toISOString(),
    updatedAt: now.toISOString(),
    lastError: undefined,
  });

  async function start(
    provider: PushProvider,
    kind: PushSubscription['provider'],
    request: PushRequest,
    base: Pick<PushSubscription, 'tenantId' | 'connectorId' | 'source'> & Partial<PushSubscription>,
    now: Date,
  ): Promise<PushSubscription> {
    // A fresh secret per channel: only this subscription's notifications carry it.
    const secret = kind === 'microsoft' ? randomBytes(32).toString('base64url') : undefined;
    const channel = await provider.start({ ...request, ...(secret ? { secret } : {}) });
    const doc: PushSubscription = withTimes(
      {
        createdAt: now.toISOString(),
        ...base,
        id: subscriptionId(base.tenantId, base.connectorId, base.source),
        pk: 'push-subscriptions',
        provider: kind,
        channelId: channel.id,
        ...(secret ? { secretHash: hashSecret(secret).toString('hex') } : { secretHash: undefined }),
        state: 'active',
        expiresAt: channel.expiresAt,
        renewAt: channel.expiresAt,
        updatedAt: now.toISOString(),
      },
      channel.expiresAt,
      now,
    );
    await store.save(doc);
    return doc;
  }

  /** The channel could not be kept: the source is polled from now on, which the person sees and the audit says. */
  async function fail(subscription: PushSubscription, err: unknown, now: Date): Promise<PushSubscription> {
    const reason = err instanceof AppError ? err.detail : 'the provider did not answer';
    const failed: PushSubscription = {
      ...subscription,
      state: 'failed',
      lastError: reason,
      // Tried again later (e.g. once the account is reconnected); polling covers the source meanwhile.
      renewAt: new Date(now.getTime() + RETRY_FAILED_MS).toISOString(),
      updatedAt: now.toISOString(),
    };
    await store.save(failed);
    if (subscription.state === 'failed') return failed; // audited when it first failed
    await deps.audit().record({
      tenantId: subscription.tenantId,
      actor: { type: 'system', id: 'push-notifications' },
      action: 'connector.push.failed',
      target: { type: 'connector', id: subscription.connectorId },
      outcome: 'failure',
      source: 'system',
      summary: `Push notifications for ${subscription.source} could not be kept (${reason}); changes are polled instead.`,
    });
    return failed;
  }

  async function providerOf(subscription: Pick<PushSubscription, 'tenantId' | 'connectorId'>) {
    const provider = await deps.connectors.push(subscription.tenantId, subscription.connectorId);
    if (!provider) throw new ConflictError('the connection needs to be reconnected');
    return provider;
  }

  const service: PushSubscriptions = {
    async ensure(tenantId, connectorId, source) {
      if (!base && !gmailConfigured) return undefined;
      const now = deps.clock.now();
      const info = await deps.connectors.get(tenantId, connectorId);
      if (info.provider === 'notion') return undefined;
      const request = requestFor(info.provider, source, now);
      if (!request) return undefined;
      const existing = await store.get(tenantId, connectorId, source);
      if (existing?.state === 'active' && Date.parse(existing.expiresAt) > now.getTime() + aheadMs) return existing;
      const provider = await deps.connectors.push(tenantId, connectorId);
      if (!provider?.sources.includes(source)) return undefined;
      try {
        return await start(provider, info.provider, request, { tenantId, connectorId, source }, now);
      } catch (err) {
        const placeholder: PushSubscription = {
          id: subscriptionId(tenantId, connectorId, source),
          pk: 'push-subscriptions',
          tenantId,
          connectorId,
          provider: info.provider,
          source,
          channelId: existing?.channelId ?? '',
          state: 'failed',
          expiresAt: now.toISOString(),
          renewAt: now.toISOString(),
          createdAt: existing?.createdAt ?? now.toISOString(),
          updatedAt: now.toISOString(),
        };
        return fail(placeholder, err, now);
      }
    },

    async stop(tenantId, connectorId, source) {
      const existing = await store.get(tenantId, connectorId, source);
      if (!existing) return;
      if (existing.state === 'active') {
        const provider = await deps.connectors.push(tenantId, connectorId).catch(() => undefined);
        await provider?.stop(existing.channelId).catch(() => undefined);
      }
      await store.remove(tenantId, connectorId, source);
    },

    async renew(subscription) {
      const now = deps.clock.now();
      const request = requestFor(subscription.provider, subscription.source, now);
      if (!request) return subscription;
      try {
        const provider = await providerOf(subscription);
        try {
          const channel = await provider.renew(subscription.channelId, request);
          const renewed = { ...withTimes(subscription, channel.expiresAt, now), renewedAt: now.toISOString() };
          await store.save(renewed);
          return renewed;
        } catch (err) {
          // The provider forgot the channel (removed, or it expired): a new one takes its place.
          if (!(err instanceof NotFoundError)) throw err;
          return await start(provider, subscription.provider, request, subscription, now);
        }
      } catch (err) {
        return forgetOrFail(subscription, err, now);
      }
    },

    async restart(subscription) {
      const now = deps.clock.now();
      const request = requestFor(subscription.provider, subscription.source, now);
      if (!request) return subscription;
      try {
        return await start(await providerOf(subscription), subscription.provider, request, subscription, now);
      } catch (err) {
        return forgetOrFail(subscription, err, now);
      }
    },

    async renewDue(now) {
      const due = await store.dueForRenewal(new Date(now.getTime()), RENEWALS_PER_TICK);
      const report: RenewalReport = { renewed: 0, restarted: 0, failed: 0, stopped: 0 };
      await mapLimited(due, Math.max(1, settings.PUSH_RENEW_CONCURRENCY), async (subscription) => {
        const { tenantId, connectorId, source } = subscription;
        if (!(await deps.watching(tenantId, source))) {
          await service.stop(tenantId, connectorId, source);
          report.stopped++;
          return;
        }
        const after =
          subscription.state === 'failed' ? await service.restart(subscription) : await service.renew(subscription);
        if (after.state === 'failed') report.failed++;
        else if (after.channelId !== subscription.channelId) report.restarted++;
        else report.renewed++;
      });
      return report;
    },

    async statesOf(tenantId) {
      const out: Record<string, PushStateView[]> = {};
      for (const s of await store.ofTenant(tenantId)) {
        (out[s.connectorId] ??= []).push(
          s.state === 'active'
            ? { source: s.source, mode: 'push', expiresAt: s.expiresAt }
            : { source: s.source, mode: 'polling', ...(s.lastError ? { reason: s.lastError } : {}) },
        );
      }
      return out;
    },

    async eraseTenant(tenantId) {
      const all = await store.ofTenant(tenantId);
      for (const s of all) await service.stop(s.tenantId, s.connectorId, s.source);
      return all.length;
    },
  };

  /** A disconnected account's channel is forgotten; any other failure falls back to polling. */
  async function forgetOrFail(subscription: PushSubscription, err: unknown, now: Date): Promise<PushSubscription> {
    if (err instanceof NotFoundError && (await connectorGone(subscription))) {
      await store.remove(subscription.tenantId, subscription.connectorId, subscription.source);
      return subscription;
    }
    return fail(subscription, err, now);
  }

  async function connectorGone(subscription: PushSubscription): Promise<boolean> {
    try {
      await deps.connectors.get(subscription.tenantId, subscription.connectorId);
      return false;
    } catch (err) {
      return err instanceof NotFoundError;
    }
  }

  return service;
}
