import { randomUUID } from 'node:crypto';
import type { Settings } from '../platform/config';
import type { Clock } from '../platform/clock';
import type { TenantRepository, Stored } from '../platform/cosmos/tenant-repository';
import type { AuditLog } from '../platform/audit/audit-log';
import type { EventPublisher } from '../platform/events/publisher';
import { domainEvent } from '../platform/events/domain-event';
import { ConflictError, PreconditionFailedError, UpstreamError } from '../platform/errors';
import { sleep } from '../platform/retry';
import { tokenContext, type ConnectorRecord, type StoredTokens } from './connector-record';
import { GrantRejectedError, TokenEndpointError, type OAuthClient } from './oauth/oauth-client';
import { oauthProviderConfig } from './oauth/provider-configs';
import type { TokenCipher } from './tokens/token-cipher';
import type { ProviderName } from './types';

export interface AccessTokenDeps {
  settings: Settings;
  clock: Clock;
  repo: TenantRepository<ConnectorRecord>;
  cipher: TokenCipher;
  oauth: OAuthClient;
  audit: () => AuditLog;
  events: () => EventPublisher;
}

export const PROVIDER_LABEL: Record<ProviderName, string> = {
  google: 'Google',
  microsoft: 'Microsoft',
  notion: 'Notion',
};
const LEASE_MS = 30_000;

/**
 * The access side of connectors: opens stored tokens, renews them ahead of expiry with one renewal per connector in
 * flight (a shared promise in this process, a lease on the document across instances), and moves a connector to
 * needs_reauth / revoked when the vendor refuses, with an audit record and a ConnectorNeedsReauth event.
 */
export interface AccessTokens {
  /** The connector's stored tokens, unsealed. */
  openTokens(record: ConnectorRecord): Promise<StoredTokens>;
  /**
   * A valid access token for the connector, refreshed when it expires within the refresh window (or when `force`,
   * after the vendor said 401). One refresh per connector at a time: in this process by a shared promise, across
   * instances by a lease on the document.
   */
  accessToken(tenantId: string, connectorId: string, opts?: { force?: boolean }): Promise<string>;
  /** The error that tells the person to reconnect this connector (409 with its health). */
  reauthError(record: ConnectorRecord): ConflictError;
  /** The vendor refused even a fresh token: access was withdrawn at the vendor. */
  markRevoked(tenantId: string, connectorId: string): Promise<void>;
}

export function createAccessTokens(deps: AccessTokenDeps): AccessTokens {
  const { repo, oauth } = deps;
  const inflight = new Map<string, Promise<string>>();
  const refreshAheadMs = () => deps.settings.CONNECTOR_REFRESH_AHEAD_SECONDS * 1000;
  const config = (provider: ProviderName) => oauthProviderConfig(provider, deps.settings);

  async function openTokens(record: ConnectorRecord): Promise<StoredTokens> {
    return JSON.parse(await deps.cipher.open(record.tokens, tokenContext(record.tenantId, record.id))) as StoredTokens;
  }

  function accessToken(tenantId: string, connectorId: string, opts: { force?: boolean } = {}): Promise<string> {
    const key = `${tenantId}/${connectorId}/${opts.force ? 'force' : 'normal'}`;
    let pending = inflight.get(key);
    if (!pending) {
      pending = resolveToken(tenantId, connectorId, Boolean(opts.force)).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  async function resolveToken(tenantId: string, connectorId: string, force: boolean): Promise<string> {
    const deadline = Date.now() + 20_000;
    let forced = force;
    for (;;) {
      const record = await repo.getOrThrow(tenantId, connectorId);
      assertUsable(record);
      let tokens: StoredTokens;
      try {
        tokens = await openTokens(record);
      } catch {
        // The key that sealed them is gone (or the record was tampered with): only re-consent helps.
        await markNeedsReauth(record, 'The stored access can no longer be read. Reconnect it.');
        throw reauthError(record);
      }
      const now = deps.clock.now().getTime();
      const expiresAt = record.accessExpiresAt ? Date.parse(record.accessExpiresAt) : undefined;
      const due = forced || (expiresAt !== undefined && expiresAt - now <= refreshAheadMs());
      if (!due) return tokens.accessToken;
      if (!tokens.refreshToken) {
        if (expiresAt !== undefined && expiresAt <= now) {
          await markNeedsReauth(record, 'The access expired and cannot be renewed automatically.');
          throw reauthError(record);
        }
        return tokens.accessToken;
      }
      const lease = record.refreshLease;
      if (lease && Date.parse(lease.until) > now) {
        // Another instance is refreshing: wait for its result.
        if (Date.now() > deadline)
          throw new UpstreamError(
            `${PROVIDER_LABEL[record.provider]} is slow to renew access. Try again in a moment.`,
            503,
          );
        await sleep(150);
        const after = await repo.getOrThrow(tenantId, connectorId);
        if (after.lastRefreshedAt !== record.lastRefreshedAt) forced = false;
        continue;
      }
      const holder = randomUUID();
      let leased: Stored<ConnectorRecord>;
      try {
        const { _etag, ...body } = record;
        leased = await repo.replace(
          { ...body, refreshLease: { holder, until: new Date(now + LEASE_MS).toISOString() } },
          _etag,
        );
      } catch (err) {
        if (err instanceof PreconditionFailedError) continue;
        throw err;
      }
      return refreshWithLease(leased, tokens, Boolean(expiresAt !== undefined && expiresAt > now));
    }
  }

  async function refreshWithLease(
    record: Stored<ConnectorRecord>,
    tokens: StoredTokens,
    stillValid: boolean,
  ): Promise<string> {
    const { _etag, refreshLease: _lease, ...body } = record;
    try {
      const fresh = await oauth.refresh(config(record.provider), tokens.refreshToken!, record.scopes);
      const now = deps.clock.now().toISOString();
      const stored: StoredTokens = {
        accessToken: fresh.accessToken,
        refreshToken: fresh.refreshToken ?? tokens.refreshToken,
      };
      await repo.replace(
        {
          ...body,
          status: 'active',
          lastError: undefined,
          updatedAt: now,
          lastRefreshedAt: now,
          accessExpiresAt: fresh.expiresAt ? new Date(fresh.expiresAt).toISOString() : undefined,
          tokens: await deps.cipher.seal(JSON.stringify(stored), tokenContext(record.tenantId, record.id)),
        },
        _etag,
      );
      return fresh.accessToken;
    } catch (err) {
      if (err instanceof GrantRejectedError) {
        await markNeedsReauth(
          { ...body, _etag } as Stored<ConnectorRecord>,
          `${PROVIDER_LABEL[record.provider]} no longer accepts this connection. Reconnect it.`,
        );
        throw reauthError(record);
      }
      // A passing failure: release the lease and, when the old token still works, use it.
      await repo.replace({ ...body }, _etag).catch(() => undefined);
      if (stillValid) return tokens.accessToken;
      if (err instanceof TokenEndpointError)
        throw new UpstreamError(
          `${PROVIDER_LABEL[record.provider]} could not renew access right now. Try again in a moment.`,
          503,
        );
      throw err;
    }
  }

  function assertUsable(record: ConnectorRecord) {
    if (record.status !== 'active') throw reauthError(record);
  }

  function reauthError(record: ConnectorRecord) {
    return new ConflictError(
      `The ${PROVIDER_LABEL[record.provider]} connection (${record.account}) needs to be reconnected.`,
      {
        connectorId: record.id,
        health: record.status === 'revoked' ? 'revoked' : 'needs_reauth',
      },
    );
  }

  async function markRevoked(tenantId: string, connectorId: string): Promise<void> {
    const record = await repo.get(tenantId, connectorId);
    if (!record || record.status !== 'active') return;
    await transition(
      record,
      'revoked',
      `${PROVIDER_LABEL[record.provider]} refused access: it was withdrawn. Reconnect it.`,
    );
  }

  async function markNeedsReauth(record: Stored<ConnectorRecord> | ConnectorRecord, reason: string): Promise<void> {
    await transition(record, 'needs_reauth', reason);
  }

  async function transition(
    record: ConnectorRecord,
    status: 'needs_reauth' | 'revoked',
    reason: string,
  ): Promise<void> {
    let changed = false;
    await repo.update(record.tenantId, record.id, (current) => {
      if (current.status === status) return undefined;
      changed = true;
      const { _etag, refreshLease: _l, ...body } = current;
      return { ...body, status, lastError: reason, updatedAt: deps.clock.now().toISOString() };
    });
    if (!changed) return;
    await deps.audit().record({
      tenantId: record.tenantId,
      actor: { type: 'system', id: 'connectors' },
      action: 'connector.refresh_failed',
      target: { type: 'connector', id: record.id },
      outcome: 'failure',
      source: 'system',
      summary: `${PROVIDER_LABEL[record.provider]} account ${record.account}: ${reason}`,
    });
    await deps.events().publish([
      domainEvent('ConnectorNeedsReauth', record.tenantId, `connectors/${record.id}`, {
        connectorId: record.id,
        provider: record.provider,
        families: record.families,
        account: record.account,
        health: status,
        reason,
      }),
    ]);
  }

  return { openTokens, accessToken, reauthError, markRevoked };
}
