import { createHash } from 'node:crypto';
import type { Settings } from '../platform/config';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository, assertIfMatch } from '../platform/cosmos/tenant-repository';
import type { AuditLog } from '../platform/audit/audit-log';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { EventPublisher } from '../platform/events/publisher';
import { domainEvent } from '../platform/events/domain-event';
import { AppError, ConflictError, LimitExceededError, UpstreamError } from '../platform/errors';
import { saveConnector, type ConnectorCount } from './connector-count';
import { connectorInfo, tokenContext, type ConnectorRecord, type StoredTokens } from './connector-record';
import { lookupAccount } from './oauth/account-identity';
import { createOAuthClient, type OAuthClient, type TokenSet } from './oauth/oauth-client';
import { codeNotExchanged, ConnectFlowError, refusedAtProvider, unusableState } from './oauth/connect-flow-errors';
import { familiesGranted, oauthProviderConfig, type OAuthProviderConfig } from './oauth/provider-configs';
import { createOAuthStateStore, StateError } from './oauth/state-store';
import { createStartTickets } from './oauth/start-tickets';
import { createConnectStart, type ConnectRequest, type IssuedStartTicket } from './oauth/connect-start';
import type { TokenCipher } from './tokens/token-cipher';
import { createResilientFetch } from './resilient-fetch';
import { withPermissions } from './permissions';
import { createAccessTokens, PROVIDER_LABEL } from './access-tokens';
import type { ConnectorInfo, FamilyNeed, ProviderName } from './types';
import type { ConnectorService } from './connector-service-contract';

export type { ConnectorService } from './connector-service-contract';

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
  /** Counts connected accounts against the plan (reserve-then-settle, so simultaneous connects never pass it). */
  count?: ConnectorCount;
}

/** The connector service over its own repository, OAuth state store, token-endpoint client and access tokens. */
export function createConnectorService(deps: ConnectorServiceDeps): ConnectorService {
  const repo = createTenantRepository<ConnectorRecord>(deps.store, 'connectors', 'connector');
  const states = createOAuthStateStore({
    store: deps.store,
    cipher: deps.cipher,
    clock: deps.clock,
    ttlSeconds: deps.settings.CONNECTOR_STATE_TTL_SECONDS,
  });
  const fetchImpl = deps.fetch ?? fetch;
  const oauth = deps.oauth ?? createOAuthClient({ fetch: fetchImpl, now: () => deps.clock.now().getTime() });
  const tokens = createAccessTokens({ ...deps, repo, oauth });
  const start = createConnectStart({
    config: (provider) => configOf(provider),
    redirectUri: (provider) => redirectUri(provider),
    connector: (tenantId, connectorId) => repo.getOrThrow(tenantId, connectorId),
    installedNeeds: deps.installedNeeds,
    states,
    tickets: createStartTickets({ store: deps.store, clock: deps.clock }),
  });
  const refreshAheadMs = deps.settings.CONNECTOR_REFRESH_AHEAD_SECONDS * 1000;

  function configOf(provider: ProviderName): OAuthProviderConfig {
    return oauthProviderConfig(provider, deps.settings);
  }

  function redirectUri(provider: ProviderName): string {
    return `${deps.settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/connectors/${provider}/callback`;
  }

  function infoOf(record: ConnectorRecord): ConnectorInfo {
    return connectorInfo(record, deps.clock.now(), refreshAheadMs);
  }

  async function list(tenantId: string): Promise<ConnectorInfo[]> {
    const records = await repo.queryAll(tenantId, 'SELECT * FROM c WHERE c.tenantId = @t ORDER BY c.connectedAt', [
      { name: '@t', value: tenantId },
    ]);
    return records.map((r) => infoOf(r));
  }

  function record(tenantId: string, connectorId: string): Promise<ConnectorRecord> {
    return repo.getOrThrow(tenantId, connectorId);
  }

  async function get(tenantId: string, connectorId: string): Promise<ConnectorInfo> {
    return infoOf(await repo.getOrThrow(tenantId, connectorId));
  }

  async function getVersioned(
    tenantId: string,
    connectorId: string,
  ): Promise<{ connector: ConnectorInfo; etag: string }> {
    const record = await repo.getOrThrow(tenantId, connectorId);
    return { connector: infoOf(record), etag: record._etag };
  }

  function issueStartTicket(
    tenantId: string,
    provider: ProviderName,
    request: ConnectRequest,
  ): Promise<IssuedStartTicket> {
    return start.issueTicket(tenantId, provider, request);
  }

  function authorize(provider: ProviderName, ticket: string, browserNonce: string): Promise<string> {
    return start.authorize(provider, ticket, browserNonce);
  }

  async function completeAuthorization(
    provider: ProviderName,
    query: { code?: string; state?: string; error?: string; error_description?: string },
    browserNonce: string | undefined,
    correlationId?: string,
  ): Promise<{ tenantId: string; connector: ConnectorInfo; returnTo?: string }> {
    const label = PROVIDER_LABEL[provider];
    if (query.error) {
      if (query.state) await states.consume(query.state, provider, browserNonce).catch(() => undefined);
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
      pending = await states.consume(query.state, provider, browserNonce);
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      throw unusableState(err);
    }
    const config = configOf(provider);
    let tokens: TokenSet;
    try {
      tokens = await oauth.exchangeCode(config, query.code, redirectUri(provider), pending.codeVerifier);
    } catch (err) {
      await auditFailure(
        pending.tenantId,
        'connector.connect',
        `${label} connection failed: the code could not be exchanged`,
        correlationId,
      );
      throw codeNotExchanged(label, err);
    }
    let identity;
    try {
      identity = await lookupAccount(provider, tokens, deps.settings, fetchImpl);
    } catch {
      await auditFailure(
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
    const now = deps.clock.now().toISOString();
    const existing = await repo.get(pending.tenantId, connectorId);
    const previous = existing ? await openTokens(existing).catch(() => undefined) : undefined;
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
      tokens: await deps.cipher.seal(JSON.stringify(stored), tokenContext(pending.tenantId, connectorId)),
      ...(provider === 'notion' ? { details: { workspaceName: tokens.extra.workspace_name } } : {}),
    };
    try {
      await saveConnector(repo, record, !existing, deps.count);
    } catch (err) {
      if (!(err instanceof LimitExceededError)) throw err;
      await oauth.revoke(config, tokens.refreshToken ?? tokens.accessToken);
      throw new ConnectFlowError(429, 'Limit reached', `${err.detail} Nothing was connected.`);
    }
    const info = infoOf(record);
    await deps.audit().record({
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
    await deps.events().publish([
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
    return { tenantId: pending.tenantId, connector: info, ...(pending.returnTo ? { returnTo: pending.returnTo } : {}) };
  }

  async function check(tenantId: string, connectorId: string): Promise<ConnectorInfo> {
    const record = await repo.getOrThrow(tenantId, connectorId);
    if (record.status === 'active') {
      const call = createResilientFetch({
        token: ({ force }) => accessToken(tenantId, connectorId, { force }),
        onRevoked: () => markRevoked(tenantId, connectorId),
        maxRetries: deps.settings.CONNECTOR_MAX_RETRIES,
        maxDelayMs: deps.settings.CONNECTOR_MAX_RETRY_DELAY_MS,
        fetchImpl: fetchImpl,
      });
      const settings = deps.settings;
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
    return get(tenantId, connectorId);
  }

  async function disconnect(
    tenantId: string,
    connectorId: string,
    ifMatch: string | undefined,
    actor: Actor,
  ): Promise<{ revokedAtProvider: boolean }> {
    const record = await repo.getOrThrow(tenantId, connectorId);
    assertIfMatch(ifMatch, record);
    const revokedAtProvider = await revokeAtProvider(record);
    await repo.delete(tenantId, connectorId).then(
      () => deps.count?.remove(tenantId), // the slot goes back once, with the delete that removed it
      (err) => {
        if ((err as { status?: number }).status !== 404) throw err;
      },
    );
    await deps.audit().record({
      tenantId,
      ...auditedAs(actor),
      action: 'connector.disconnected',
      target: { type: 'connector', id: connectorId },
      outcome: 'success',
      summary: `${PROVIDER_LABEL[record.provider]} account ${record.account} disconnected${revokedAtProvider ? ' and access revoked' : ''}`,
      before: infoOf(record),
    });
    await deps.events().publish([
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

  async function eraseTenant(tenantId: string): Promise<number> {
    const records = await repo.queryAll(tenantId, 'SELECT * FROM c WHERE c.tenantId = @t', [
      { name: '@t', value: tenantId },
    ]);
    for (const record of records) {
      await revokeAtProvider(record);
      await repo.delete(tenantId, record.id).catch(() => undefined);
    }
    return records.length;
  }

  async function revokeAtProvider(record: ConnectorRecord): Promise<boolean> {
    const tokens = await openTokens(record).catch(() => undefined);
    if (!tokens) return false;
    const config = configOf(record.provider);
    // Revoking the refresh token ends the whole grant at Google; revoke the access token as well where it differs.
    const results = await Promise.all(
      [tokens.refreshToken, tokens.accessToken]
        .filter((t): t is string => Boolean(t))
        .map((t) => oauth.revoke(config, t)),
    );
    return results.some(Boolean);
  }

  function accessToken(tenantId: string, connectorId: string, opts: { force?: boolean } = {}): Promise<string> {
    return tokens.accessToken(tenantId, connectorId, opts);
  }

  function markRevoked(tenantId: string, connectorId: string): Promise<void> {
    return tokens.markRevoked(tenantId, connectorId);
  }

  function openTokens(record: ConnectorRecord): Promise<StoredTokens> {
    return tokens.openTokens(record);
  }

  async function auditFailure(tenantId: string, action: string, summary: string, correlationId?: string) {
    await deps
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

  return {
    config: configOf,
    redirectUri,
    info: infoOf,
    async withPermissions(tenantId, connectors, needs) {
      const wanted = needs ?? (await deps.installedNeeds?.(tenantId)) ?? [];
      return withPermissions(connectors, wanted, configOf, await list(tenantId));
    },
    list,
    record,
    get,
    getVersioned,
    issueStartTicket,
    authorize,
    completeAuthorization,
    check,
    disconnect,
    eraseTenant,
    accessToken,
    markRevoked,
  };
}
