import { createHash } from 'node:crypto';
import type { Settings } from '../platform/config';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { TenantRepository, assertIfMatch } from '../platform/cosmos/tenant-repository';
import type { AuditLog } from '../platform/audit/audit-log';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { EventPublisher } from '../platform/events/publisher';
import { domainEvent } from '../platform/events/domain-event';
import { AppError, ConflictError, UpstreamError } from '../platform/errors';
import { connectorInfo, tokenContext, type ConnectorRecord, type StoredTokens } from './connector-record';
import { lookupAccount } from './oauth/account-identity';
import { createOAuthClient, type OAuthClient, type TokenSet } from './oauth/oauth-client';
import { codeNotExchanged, ConnectFlowError, refusedAtProvider, unusableState } from './oauth/connect-flow-errors';
import { familiesGranted, oauthProviderConfig, type OAuthProviderConfig } from './oauth/provider-configs';
import { createOAuthStateStore, StateError, type OAuthStateStore } from './oauth/state-store';
import { createStartTickets } from './oauth/start-tickets';
import {
  createConnectStart,
  type ConnectRequest,
  type ConnectStart,
  type IssuedStartTicket,
} from './oauth/connect-start';
import type { TokenCipher } from './tokens/token-cipher';
import { createResilientFetch } from './resilient-fetch';
import { createAccessTokens, PROVIDER_LABEL, type AccessTokens } from './access-tokens';
import type { ConnectorInfo, FamilyNeed, ProviderName } from './types';

export interface ConnectorServiceDeps {
  settings: Settings;
  clock: Clock;
  store: CosmosStore;
  cipher: TokenCipher;
  audit: () => AuditLog;
  events: () => EventPublisher;
  oauth?: OAuthClient;
  fetch?: typeof fetch;
  /**
   * What the tenant's installed agents read and write: the families asked for when the request names none, and
   * whether write scopes are asked at all (only while an agent that sends or writes is installed).
   */
  installedNeeds?: (tenantId: string) => Promise<FamilyNeed[]>;
  /** Throws (LimitExceededError) when the tenant's plan allows no further connected account. */
  allowNewConnector?: (tenantId: string) => Promise<void>;
}

/**
 * Connections to vendors: OAuth (authorization code + PKCE), encrypted token storage, refresh ahead of expiry with
 * one refresh in flight per connector, health, disconnect with revocation. Tokens never leave this class except as
 * a bearer string handed to a provider client.
 */
export class ConnectorService {
  private readonly repo: TenantRepository<ConnectorRecord>;
  private readonly states: OAuthStateStore;
  private readonly start: ConnectStart;
  private readonly oauth: OAuthClient;
  private readonly fetchImpl: typeof fetch;
  private readonly tokens: AccessTokens;

  constructor(private readonly deps: ConnectorServiceDeps) {
    this.repo = new TenantRepository<ConnectorRecord>(deps.store, 'connectors', 'connector');
    this.states = createOAuthStateStore({
      store: deps.store,
      cipher: deps.cipher,
      clock: deps.clock,
      ttlSeconds: deps.settings.CONNECTOR_STATE_TTL_SECONDS,
    });
    this.fetchImpl = deps.fetch ?? fetch;
    this.oauth = deps.oauth ?? createOAuthClient({ fetch: this.fetchImpl, now: () => deps.clock.now().getTime() });
    this.tokens = createAccessTokens({ ...deps, repo: this.repo, oauth: this.oauth });
    this.start = createConnectStart({
      config: (provider) => this.config(provider),
      redirectUri: (provider) => this.redirectUri(provider),
      connector: (tenantId, connectorId) => this.repo.getOrThrow(tenantId, connectorId),
      installedNeeds: deps.installedNeeds,
      states: this.states,
      tickets: createStartTickets({ store: deps.store, clock: deps.clock }),
    });
  }

  private get refreshAheadMs() {
    return this.deps.settings.CONNECTOR_REFRESH_AHEAD_SECONDS * 1000;
  }

  config(provider: ProviderName): OAuthProviderConfig {
    return oauthProviderConfig(provider, this.deps.settings);
  }

  redirectUri(provider: ProviderName): string {
    return `${this.deps.settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/connectors/${provider}/callback`;
  }

  info(record: ConnectorRecord): ConnectorInfo {
    return connectorInfo(record, this.deps.clock.now(), this.refreshAheadMs);
  }

  async list(tenantId: string): Promise<ConnectorInfo[]> {
    const records = await this.repo.queryAll(tenantId, 'SELECT * FROM c WHERE c.tenantId = @t ORDER BY c.connectedAt', [
      { name: '@t', value: tenantId },
    ]);
    return records.map((r) => this.info(r));
  }

  /** The stored connector (with its sealed tokens), for the hub that builds providers; NotFoundError when missing. */
  record(tenantId: string, connectorId: string): Promise<ConnectorRecord> {
    return this.repo.getOrThrow(tenantId, connectorId);
  }

  async get(tenantId: string, connectorId: string): Promise<ConnectorInfo> {
    return this.info(await this.repo.getOrThrow(tenantId, connectorId));
  }

  /** The connection and its version (`etag`, for If-Match on disconnect). */
  async getVersioned(tenantId: string, connectorId: string): Promise<{ connector: ConnectorInfo; etag: string }> {
    const record = await this.repo.getOrThrow(tenantId, connectorId);
    return { connector: this.info(record), etag: record._etag };
  }

  /** Checks and plans a connection for the signed-in person and issues its start ticket (see connect-start). */
  issueStartTicket(tenantId: string, provider: ProviderName, request: ConnectRequest): Promise<IssuedStartTicket> {
    return this.start.issueTicket(tenantId, provider, request);
  }

  /** Redeems a start ticket in the browser that posted it: the provider's sign-in URL (see connect-start). */
  authorize(provider: ProviderName, ticket: string, browserNonce: string): Promise<string> {
    return this.start.authorize(provider, ticket, browserNonce);
  }

  /**
   * Finishes a connection from the vendor's redirect, in the browser that started it (`browserNonce` from its flow
   * cookie). Throws ConnectFlowError with a page-ready message.
   */
  async completeAuthorization(
    provider: ProviderName,
    query: { code?: string; state?: string; error?: string; error_description?: string },
    browserNonce: string | undefined,
    correlationId?: string,
  ): Promise<{ tenantId: string; connector: ConnectorInfo }> {
    const label = PROVIDER_LABEL[provider];
    if (query.error) {
      if (query.state) await this.states.consume(query.state, provider, browserNonce).catch(() => undefined);
      throw refusedAtProvider(label, query.error);
    }
    if (!query.code || !query.state) {
      throw new ConnectFlowError(
        400,
        'Connection failed',
        'The sign-in response is incomplete. Start again from the Connections page.',
      );
    }
    let pending;
    try {
      pending = await this.states.consume(query.state, provider, browserNonce);
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      throw unusableState(err);
    }
    const config = this.config(provider);
    let tokens: TokenSet;
    try {
      tokens = await this.oauth.exchangeCode(config, query.code, this.redirectUri(provider), pending.codeVerifier);
    } catch (err) {
      await this.auditFailure(
        pending.tenantId,
        'connector.connect',
        `${label} connection failed: the code could not be exchanged`,
        correlationId,
      );
      throw codeNotExchanged(label, err);
    }
    let identity;
    try {
      identity = await lookupAccount(provider, tokens, this.deps.settings, this.fetchImpl);
    } catch {
      await this.auditFailure(
        pending.tenantId,
        'connector.connect',
        `${label} connection failed: the account could not be identified`,
        correlationId,
      );
      throw new ConnectFlowError(
        502,
        'Connection failed',
        `${label} did not tell us which account you signed in with. Try again in a moment.`,
      );
    }
    const granted = tokens.scopes ?? pending.scopes;
    const grantedFamilies = config.familyScopes && tokens.scopes ? familiesGranted(config, granted) : pending.families;
    const connectorId = `${provider}-${createHash('sha256').update(`${provider}:${identity.accountId}`).digest('hex').slice(0, 16)}`;
    const now = this.deps.clock.now().toISOString();
    const existing = await this.repo.get(pending.tenantId, connectorId);
    if (!existing && this.deps.allowNewConnector) {
      try {
        await this.deps.allowNewConnector(pending.tenantId);
      } catch (err) {
        await this.oauth.revoke(config, tokens.refreshToken ?? tokens.accessToken);
        const detail = err instanceof AppError ? err.detail : 'Your plan allows no further connected accounts.';
        throw new ConnectFlowError(429, 'Limit reached', `${detail} Nothing was connected.`);
      }
    }
    const previous = existing ? await this.openTokens(existing).catch(() => undefined) : undefined;
    const stored: StoredTokens = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken ?? previous?.refreshToken,
    };
    const record: ConnectorRecord = {
      id: connectorId,
      tenantId: pending.tenantId,
      provider,
      families: [...new Set([...(existing?.status === 'active' ? existing.families : []), ...grantedFamilies])],
      account: identity.account,
      accountId: identity.accountId,
      // What the vendor granted this time: a consent that asked for fewer scopes leaves fewer on record.
      scopes: [...new Set(granted)],
      status: 'active',
      connectedAt: existing?.connectedAt ?? now,
      updatedAt: now,
      ...(tokens.expiresAt ? { accessExpiresAt: new Date(tokens.expiresAt).toISOString() } : {}),
      lastRefreshedAt: now,
      tokens: await this.deps.cipher.seal(JSON.stringify(stored), tokenContext(pending.tenantId, connectorId)),
      ...(provider === 'notion' ? { details: { workspaceName: tokens.extra.workspace_name } } : {}),
    };
    await this.repo.upsert(record);
    const info = this.info(record);
    await this.deps.audit().record({
      tenantId: pending.tenantId,
      actor: { type: 'person', id: pending.tenantId },
      action: existing ? 'connector.reconnected' : 'connector.connected',
      target: { type: 'connector', id: connectorId },
      outcome: 'success',
      source: 'web',
      correlationId,
      summary: `${label} account ${identity.account} connected (${record.families.join(', ')})`,
      after: info,
    });
    await this.deps.events().publish([
      domainEvent(
        'ConnectorConnected',
        pending.tenantId,
        `connectors/${connectorId}`,
        {
          connectorId,
          provider,
          families: record.families,
          account: identity.account,
          reconnected: Boolean(existing),
        },
        { correlationId },
      ),
    ]);
    return { tenantId: pending.tenantId, connector: info };
  }

  /**
   * Checks a connection with one live call (renewing access first when due) and returns its health afterwards.
   * A refused renewal or a refused fresh token shows as needs_reauth / revoked, not as an error.
   */
  async check(tenantId: string, connectorId: string): Promise<ConnectorInfo> {
    const record = await this.repo.getOrThrow(tenantId, connectorId);
    if (record.status === 'active') {
      const call = createResilientFetch({
        token: ({ force }) => this.accessToken(tenantId, connectorId, { force }),
        onRevoked: () => this.markRevoked(tenantId, connectorId),
        maxRetries: this.deps.settings.CONNECTOR_MAX_RETRIES,
        maxDelayMs: this.deps.settings.CONNECTOR_MAX_RETRY_DELAY_MS,
        fetchImpl: this.fetchImpl,
      });
      const settings = this.deps.settings;
      const url = {
        google: settings.GOOGLE_USERINFO_URL,
        microsoft: `${settings.MICROSOFT_GRAPH_BASE_URL.replace(/\/$/, '')}/v1.0/me`,
        notion: `${settings.NOTION_API_BASE_URL.replace(/\/$/, '')}/v1/users/me`,
      }[record.provider];
      try {
        const response = await call(url, { headers: { accept: 'application/json', 'notion-version': '2022-06-28' } });
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok && response.status !== 401) {
          throw new UpstreamError(
            `${PROVIDER_LABEL[record.provider]} is not answering right now. Try again in a moment.`,
          );
        }
      } catch (err) {
        // Needing re-consent is a health state here, not a failure of the check.
        if (!(err instanceof ConflictError))
          throw err instanceof AppError
            ? err
            : new UpstreamError(`${PROVIDER_LABEL[record.provider]} could not be reached.`);
      }
    }
    return this.get(tenantId, connectorId);
  }

  /** Disconnects: revokes at the vendor (best effort), then forgets the tokens and the connector. */
  /** Revokes and deletes a connection; a stale `ifMatch` is a 412 and changes nothing (not even at the provider). */
  async disconnect(
    tenantId: string,
    connectorId: string,
    ifMatch: string | undefined,
    actor: Actor,
  ): Promise<{ revokedAtProvider: boolean }> {
    const record = await this.repo.getOrThrow(tenantId, connectorId);
    assertIfMatch(ifMatch, record);
    const revokedAtProvider = await this.revokeAtProvider(record);
    await this.repo.delete(tenantId, connectorId).catch((err) => {
      if ((err as { status?: number }).status !== 404) throw err;
    });
    await this.deps.audit().record({
      tenantId,
      ...auditedAs(actor),
      action: 'connector.disconnected',
      target: { type: 'connector', id: connectorId },
      outcome: 'success',
      summary: `${PROVIDER_LABEL[record.provider]} account ${record.account} disconnected${revokedAtProvider ? ' and access revoked' : ''}`,
      before: this.info(record),
    });
    await this.deps.events().publish([
      domainEvent(
        'ConnectorDisconnected',
        tenantId,
        `connectors/${connectorId}`,
        {
          connectorId,
          provider: record.provider,
          families: record.families,
          revokedAtProvider,
        },
        { correlationId: actor.correlationId },
      ),
    ]);
    return { revokedAtProvider };
  }

  /** Erasure: revoke and delete every connector of the tenant. */
  async eraseTenant(tenantId: string): Promise<number> {
    const records = await this.repo.queryAll(tenantId, 'SELECT * FROM c WHERE c.tenantId = @t', [
      { name: '@t', value: tenantId },
    ]);
    for (const record of records) {
      await this.revokeAtProvider(record);
      await this.repo.delete(tenantId, record.id).catch(() => undefined);
    }
    return records.length;
  }

  private async revokeAtProvider(record: ConnectorRecord): Promise<boolean> {
    const tokens = await this.openTokens(record).catch(() => undefined);
    if (!tokens) return false;
    const config = this.config(record.provider);
    // Revoking the refresh token ends the whole grant at Google; revoke the access token as well where it differs.
    const results = await Promise.all(
      [tokens.refreshToken, tokens.accessToken]
        .filter((t): t is string => Boolean(t))
        .map((t) => this.oauth.revoke(config, t)),
    );
    return results.some(Boolean);
  }

  /** A valid access token for the connector (see AccessTokens). */
  accessToken(tenantId: string, connectorId: string, opts: { force?: boolean } = {}): Promise<string> {
    return this.tokens.accessToken(tenantId, connectorId, opts);
  }

  /** The vendor refused even a fresh token: access was withdrawn at the vendor. */
  markRevoked(tenantId: string, connectorId: string): Promise<void> {
    return this.tokens.markRevoked(tenantId, connectorId);
  }

  private openTokens(record: ConnectorRecord): Promise<StoredTokens> {
    return this.tokens.openTokens(record);
  }

  private async auditFailure(tenantId: string, action: string, summary: string, correlationId?: string) {
    await this.deps
      .audit()
      .record({
        tenantId,
        actor: { type: 'person', id: tenantId },
        action,
        target: { type: 'connector', id: 'new' },
        outcome: 'failure',
        source: 'web',
        correlationId,
        summary,
      })
      .catch(() => undefined);
  }
}
