import type { Settings } from '../platform/config';
import type { CosmosStore } from '../platform/cosmos/store';
import { ConflictError } from '../platform/errors';
import type { ConnectorService } from './connector-service';
import type { ConnectorRecord } from './connector-record';
import { trackTokenFailures, withSafeErrors } from './provider-errors';
import { createResilientFetch } from './resilient-fetch';
import { cosmosSendLedger } from './send-ledger';
import type { PushProvider } from './push';
import type { ConnectorFamily, ConnectorHub, FamilyProviders, ProviderName } from './types';

const LABEL: Record<ProviderName, Record<ConnectorFamily, string>> = {
  google: { mail: 'Gmail', calendar: 'Google Calendar', files: 'Google Drive', notes: 'Google' },
  microsoft: { mail: 'Outlook', calendar: 'Outlook Calendar', files: 'OneDrive', notes: 'Microsoft' },
  notion: { mail: 'Notion', calendar: 'Notion', files: 'Notion', notes: 'Notion' },
};

interface FactoryContext {
  settings: Settings;
  fetch: typeof fetch;
  record: ConnectorRecord;
  store: CosmosStore;
}

type Factory<F extends ConnectorFamily> = (ctx: FactoryContext) => Promise<FamilyProviders[F]>;

/** Which vendor file serves which family. Vendor SDKs load only when a provider is first built. */
const FACTORIES: { [F in ConnectorFamily]: Partial<Record<ProviderName, Factory<F>>> } = {
  mail: {
    google: async ({ settings, fetch, store, record }) =>
      (await import('./providers/google-mail')).createGmailProvider(
        settings,
        fetch,
        cosmosSendLedger(store, record.tenantId, record.id),
        record.account,
      ),
    microsoft: async ({ settings, fetch, store, record }) =>
      (await import('./providers/microsoft-mail')).createOutlookMailProvider(
        settings,
        fetch,
        cosmosSendLedger(store, record.tenantId, record.id),
      ),
  },
  calendar: {
    google: async ({ settings, fetch }) =>
      (await import('./providers/google-calendar')).createGoogleCalendarProvider(settings, fetch),
    microsoft: async ({ settings, fetch }) =>
      (await import('./providers/microsoft-calendar')).createOutlookCalendarProvider(settings, fetch),
  },
  files: {
    google: async ({ settings, fetch }) =>
      (await import('./providers/google-drive')).createGoogleDriveProvider(settings, fetch),
    microsoft: async ({ settings, fetch }) =>
      (await import('./providers/microsoft-drive')).createOneDriveProvider(settings, fetch),
  },
  notes: {
    notion: async ({ settings, fetch }) => (await import('./providers/notion')).createNotionProvider(settings, fetch),
  },
};

/** Which vendor file starts push channels for a provider's accounts (Notion has none: it is polled). */
const PUSH_FACTORIES: Partial<Record<ProviderName, (ctx: FactoryContext) => Promise<PushProvider>>> = {
  google: async ({ settings, fetch, record }) =>
    (await import('./providers/gmail-watch')).createGmailWatch(settings, fetch, record.account),
  microsoft: async ({ settings, fetch }) =>
    (await import('./providers/graph-subscriptions')).createGraphSubscriptions(settings, fetch),
};

const HEALTH_ORDER = { ok: 0, expiring: 1, needs_permission: 2, needs_reauth: 3, revoked: 4 } as const;

/**
 * Ready providers for a tenant's connectors. Each provider gets the connector's resilient fetch (token, refresh on
 * 401, retries with backoff) and safe error mapping, so vendor files contain only the mapping to our shapes.
 */
export function createConnectorHub(deps: {
  settings: Settings;
  service: ConnectorService;
  store: CosmosStore;
  fetch?: typeof fetch;
}): ConnectorHub {
  const { settings, service } = deps;

  async function build<F extends ConnectorFamily>(
    family: F,
    tenantId: string,
    connectorId: string,
  ): Promise<FamilyProviders[F]> {
    const record = await service.record(tenantId, connectorId);
    const factory = FACTORIES[family][record.provider] as Factory<F> | undefined;
    if (!factory || !record.families.includes(family)) {
      throw new ConflictError(
        `This ${LABEL[record.provider][family]} connection does not give access to ${family}. Reconnect it to grant access.`,
      );
    }
    if (record.status !== 'active') {
      throw new ConflictError(
        `The ${LABEL[record.provider][family]} connection (${record.account}) needs to be reconnected.`,
        {
          connectorId,
          health: record.status === 'revoked' ? 'revoked' : 'needs_reauth',
        },
      );
    }
    const { fetchImpl, tokenFailure } = connectorFetch(record);
    const provider = await factory({ settings, fetch: fetchImpl, record, store: deps.store });
    return withSafeErrors(provider as object, LABEL[record.provider][family], tokenFailure) as FamilyProviders[F];
  }

  /** The connector's fetch: its token (refreshed on 401), retries with backoff, revocation noticed. */
  function connectorFetch(record: ConnectorRecord) {
    const { tenantId, id: connectorId } = record;
    const tokens = trackTokenFailures(({ force }) => service.accessToken(tenantId, connectorId, { force }));
    const fetchImpl = createResilientFetch({
      token: tokens.token,
      onRevoked: () => service.markRevoked(tenantId, connectorId),
      maxRetries: settings.CONNECTOR_MAX_RETRIES,
      maxDelayMs: settings.CONNECTOR_MAX_RETRY_DELAY_MS,
      fetchImpl: deps.fetch,
    });
    return { fetchImpl, tokenFailure: tokens.failure };
  }

  return {
    list: (tenantId) => service.list(tenantId),
    get: (tenantId, connectorId) => service.get(tenantId, connectorId),
    async find(tenantId, family, provider) {
      const candidates = (await service.list(tenantId)).filter(
        (c) => c.families.includes(family) && (!provider || c.provider === provider),
      );
      candidates.sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health]);
      return candidates[0];
    },
    mail: (tenantId, connectorId) => build('mail', tenantId, connectorId),
    calendar: (tenantId, connectorId) => build('calendar', tenantId, connectorId),
    files: (tenantId, connectorId) => build('files', tenantId, connectorId),
    notes: (tenantId, connectorId) => build('notes', tenantId, connectorId),
    async push(tenantId, connectorId) {
      const record = await service.record(tenantId, connectorId);
      const factory = PUSH_FACTORIES[record.provider];
      if (!factory || record.status !== 'active') return undefined;
      const { fetchImpl, tokenFailure } = connectorFetch(record);
      const provider = await factory({ settings, fetch: fetchImpl, record, store: deps.store });
      return withSafeErrors(provider, LABEL[record.provider].notes, tokenFailure);
    },
  };
}
