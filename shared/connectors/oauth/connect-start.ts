import { AppError } from '../../platform/errors';
import { PROVIDER_LABEL } from '../access-tokens';
import type { ConnectorRecord } from '../connector-record';
import type { ConnectorFamily, FamilyNeed, ProviderName } from '../types';
import { unusableTicket } from './connect-flow-errors';
import { consentUrl, planConsent } from './consent-url';
import type { OAuthProviderConfig } from './provider-configs';
import type { OAuthStateStore } from './state-store';
import { StartTicketError, type StartTickets } from './start-tickets';

/** What a person asks to connect (the body of `POST /connectors/{provider}/authorize`). */
export interface ConnectRequest {
  families?: ConnectorFamily[];
  scopes?: string[];
  connectorId?: string;
  /** The web app's page to come back to after consent (a path such as a pack's install page). */
  returnTo?: string;
}

export interface IssuedStartTicket {
  ticket: string;
  expiresAt: string;
  families: ConnectorFamily[];
  scopes: string[];
}

export interface ConnectStartDeps {
  config(provider: ProviderName): OAuthProviderConfig;
  redirectUri(provider: ProviderName): string;
  /** The tenant's connector; NotFoundError for another person's. */
  connector(tenantId: string, connectorId: string): Promise<ConnectorRecord>;
  installedNeeds?: (tenantId: string) => Promise<FamilyNeed[]>;
  states: OAuthStateStore;
  tickets: StartTickets;
}

export interface ConnectStart {
  issueTicket(tenantId: string, provider: ProviderName, request: ConnectRequest): Promise<IssuedStartTicket>;
  authorize(provider: ProviderName, ticket: string, browserNonce: string): Promise<string>;
}

/**
 * How connecting starts, in two steps so it works when the web app and the API have different origins:
 * 1. with the person's bearer token, the request is checked and planned (every error is problem+json here) and a
 *    start ticket issued for their tenant;
 * 2. the browser posts the ticket to the API's own origin; redeeming it creates the OAuth `state`, bound to the flow
 *    cookie the API sets on that answer, and gives the provider's consent URL.
 */
export function createConnectStart(deps: ConnectStartDeps): ConnectStart {
  /** The provider's settings; 503 when this installation has no OAuth client for it. */
  function configured(provider: ProviderName): { config: OAuthProviderConfig; clientId: string } {
    const config = deps.config(provider);
    if (!config.clientId || !config.clientSecret) {
      throw new AppError(
        503,
        'provider-not-configured',
        'Provider not available',
        `${PROVIDER_LABEL[provider]} is not set up on this installation.`,
      );
    }
    return { config, clientId: config.clientId };
  }

  return {
    async issueTicket(tenantId, provider, request) {
      const { config } = configured(provider);
      const existing = request.connectorId ? await deps.connector(tenantId, request.connectorId) : undefined;
      const installed = (await deps.installedNeeds?.(tenantId)) ?? [];
      const { families, scopes } = planConsent(provider, config, request, installed, existing);
      // Google adds every scope granted before when asked to: not when this consent drops one.
      const dropsScopes = existing?.scopes.some((scope) => !scopes.includes(scope)) ?? false;
      const { connectorId, returnTo } = request;
      const issued = await deps.tickets.issue({
        tenantId,
        provider,
        families,
        scopes,
        dropsScopes,
        ...(connectorId ? { connectorId } : {}),
        ...(returnTo ? { returnTo } : {}),
      });
      return { ...issued, families, scopes };
    },

    async authorize(provider, ticket, browserNonce) {
      let planned;
      try {
        planned = await deps.tickets.redeem(ticket, provider);
      } catch (err) {
        if (!(err instanceof StartTicketError)) throw err;
        throw unusableTicket(err);
      }
      const { dropsScopes, ...pending } = planned;
      const { config, clientId } = configured(provider);
      const { state, codeChallenge } = await deps.states.create(pending, browserNonce);
      return consentUrl(config, {
        clientId,
        redirectUri: deps.redirectUri(provider),
        state,
        codeChallenge,
        scopes: pending.scopes,
        dropsScopes,
      });
    },
  };
}
