import type { Actor } from '../platform/audit/actor';
import type { ConnectorRecord } from './connector-record';
import type { ConnectRequest, IssuedStartTicket } from './oauth/connect-start';
import type { OAuthProviderConfig } from './oauth/provider-configs';
import type { ConnectorInfo, FamilyNeed, ProviderName } from './types';

/**
 * Connections to vendors: OAuth (authorization code + PKCE), encrypted token storage, refresh ahead of expiry with
 * one refresh in flight per connector, health, disconnect with revocation. Tokens never leave this service except as
 * a bearer string handed to a provider client.
 */
export interface ConnectorService {
  /** The OAuth settings of a vendor. */
  config(provider: ProviderName): OAuthProviderConfig;
  /** Where the vendor sends the person back after consent. */
  redirectUri(provider: ProviderName): string;
  /** The public view of a stored connector, with its health. */
  info(record: ConnectorRecord): ConnectorInfo;
  /**
   * Connections as the person sees them: a working one that lacks a permission the installed agents need (or, given
   * `needs`, what those call for, such as a pack about to be installed) shows `needs_permission` with what is missing.
   */
  withPermissions(tenantId: string, connectors: ConnectorInfo[], needs?: FamilyNeed[]): Promise<ConnectorInfo[]>;
  /** The tenant's connections, oldest first. */
  list(tenantId: string): Promise<ConnectorInfo[]>;
  /** The stored connector (with its sealed tokens), for the hub that builds providers; NotFoundError when missing. */
  record(tenantId: string, connectorId: string): Promise<ConnectorRecord>;
  /** One connection; NotFoundError when missing. */
  get(tenantId: string, connectorId: string): Promise<ConnectorInfo>;
  /** The connection and its version (`etag`, for If-Match on disconnect). */
  getVersioned(tenantId: string, connectorId: string): Promise<{ connector: ConnectorInfo; etag: string }>;
  /** Checks and plans a connection for the signed-in person and issues its start ticket (see connect-start). */
  issueStartTicket(tenantId: string, provider: ProviderName, request: ConnectRequest): Promise<IssuedStartTicket>;
  /** Redeems a start ticket in the browser that posted it: the provider's sign-in URL (see connect-start). */
  authorize(provider: ProviderName, ticket: string, browserNonce: string): Promise<string>;
  /**
   * Finishes a connection from the vendor's redirect, in the browser that started it (`browserNonce` from its flow
   * cookie). Throws ConnectFlowError with a page-ready message.
   */
  completeAuthorization(
    provider: ProviderName,
    query: { code?: string; state?: string; error?: string; error_description?: string },
    browserNonce: string | undefined,
    correlationId?: string,
  ): Promise<{ tenantId: string; connector: ConnectorInfo; returnTo?: string }>;
  /**
   * Checks a connection with one live call (renewing access first when due) and returns its health afterwards.
   * A refused renewal or a refused fresh token shows as needs_reauth / revoked, not as an error.
   */
  check(tenantId: string, connectorId: string): Promise<ConnectorInfo>;
  /** Disconnects: revokes at the vendor (best effort), then forgets the tokens and the connector. */
  /** Revokes and deletes a connection; a stale `ifMatch` is a 412 and changes nothing (not even at the provider). */
  disconnect(
    tenantId: string,
    connectorId: string,
    ifMatch: string | undefined,
    actor: Actor,
  ): Promise<{ revokedAtProvider: boolean }>;
  /** Erasure: revoke and delete every connector of the tenant. */
  eraseTenant(tenantId: string): Promise<number>;
  /** A valid access token for the connector (see AccessTokens). */
  accessToken(tenantId: string, connectorId: string, opts?: { force?: boolean }): Promise<string>;
  /** The vendor refused even a fresh token: access was withdrawn at the vendor. */
  markRevoked(tenantId: string, connectorId: string): Promise<void>;
}
