import type { TenantDoc } from '../platform/cosmos/tenant-repository';
import { scopeLabels } from './scope-labels';
import type { Sealed } from './tokens/token-cipher';
import type { ConnectorFamily, ConnectorHealth, ConnectorInfo, ProviderName } from './types';

/** Stored state of a connection; only `connectorInfo` of it ever leaves the service. */
export type ConnectorStatus = 'active' | 'needs_reauth' | 'revoked';

export interface ConnectorRecord extends TenantDoc {
  provider: ProviderName;
  families: ConnectorFamily[];
  account: string;
  /** The vendor's stable id of the account (Google sub, Entra oid, Notion workspace). */
  accountId: string;
  scopes: string[];
  status: ConnectorStatus;
  connectedAt: string;
  updatedAt: string;
  accessExpiresAt?: string;
  lastRefreshedAt?: string;
  lastError?: string;
  /** Encrypted JSON `{ accessToken, refreshToken? }`; bound to tenant and connector id. */
  tokens: Sealed;
  /** Held while one instance refreshes, so only one refresh per connector is in flight. */
  refreshLease?: { holder: string; until: string };
  /** Non-secret vendor details (Notion workspace name). */
  details?: Record<string, unknown>;
}

export interface StoredTokens {
  accessToken: string;
  refreshToken?: string;
}

/** Associated data for a connector's ciphertext. */
export const tokenContext = (tenantId: string, connectorId: string) => `connector:${tenantId}:${connectorId}`;

function healthOf(record: ConnectorRecord, now: Date, refreshAheadMs: number): ConnectorHealth {
  if (record.status === 'revoked') return 'revoked';
  if (record.status === 'needs_reauth') return 'needs_reauth';
  if (record.accessExpiresAt && Date.parse(record.accessExpiresAt) - now.getTime() <= refreshAheadMs) return 'expiring';
  return 'ok';
}

export function connectorInfo(record: ConnectorRecord, now: Date, refreshAheadMs: number): ConnectorInfo {
  return {
    id: record.id,
    provider: record.provider,
    families: record.families,
    account: record.account,
    scopes: record.scopes,
    allowed: scopeLabels(record.scopes),
    health: healthOf(record, now, refreshAheadMs),
    connectedAt: record.connectedAt,
    ...(record.accessExpiresAt ? { accessExpiresAt: record.accessExpiresAt } : {}),
    ...(record.lastRefreshedAt ? { lastRefreshedAt: record.lastRefreshedAt } : {}),
    ...(record.lastError ? { lastError: record.lastError } : {}),
  };
}
