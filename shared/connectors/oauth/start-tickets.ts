import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { CosmosStore } from '../../platform/cosmos/store';
import type { ConnectorFamily, ProviderName } from '../types';

/**
 * Start tickets let a browser begin connecting an account with a top-level navigation, which carries no bearer
 * token. The web app asks for a ticket with the person's token (`POST .../authorize`); the browser then posts it to
 * the API's own origin (`POST .../start`), which sets the flow cookie there and sends the browser to the provider.
 * A ticket names the tenant and the consent planned for it, lives two minutes and is used once; only its hash is
 * stored, so the `system` container holds nothing that could start a flow.
 */
const PK = 'connect-ticket';
/** Long enough for a click, a redirect and a slow network; short enough that a copied ticket is soon worthless. */
const START_TICKET_TTL_SECONDS = 120;
const TICKET = /^[A-Za-z0-9_-]{43}$/;

/** The consent a ticket starts: what the person asked for, already checked and planned. */
export interface PlannedConsent {
  tenantId: string;
  provider: ProviderName;
  families: ConnectorFamily[];
  scopes: string[];
  /** Connector the consent extends (incremental consent), if any. */
  connectorId?: string;
  /** The web app's page to return to afterwards (a path), when not the Connections page. */
  returnTo?: string;
  /** The consent asks for fewer scopes than the connector holds (Google must not add the old ones back). */
  dropsScopes: boolean;
}

interface TicketDoc extends PlannedConsent {
  id: string;
  pk: typeof PK;
  expiresAt: string;
  ttl: number;
}

/** Why a ticket was refused. */
export class StartTicketError extends Error {
  constructor(readonly reason: 'malformed' | 'unknown' | 'expired' | 'wrong-provider') {
    super(reason);
  }
}

export interface StartTickets {
  issue(consent: PlannedConsent): Promise<{ ticket: string; expiresAt: string }>;
  /** Uses a ticket up (whatever the outcome) and returns its consent. Throws StartTicketError. */
  redeem(ticket: string, provider: ProviderName): Promise<PlannedConsent>;
}

const ticketId = (ticket: string) => createHash('sha256').update(`connect-ticket:${ticket}`).digest('hex');

export function createStartTickets(deps: { store: CosmosStore; clock: Clock }): StartTickets {
  const container = () => deps.store.container('system');
  return {
    async issue(consent) {
      const ticket = randomBytes(32).toString('base64url');
      const expiresAt = new Date(deps.clock.now().getTime() + START_TICKET_TTL_SECONDS * 1000).toISOString();
      const doc: TicketDoc = {
        ...consent,
        id: ticketId(ticket),
        pk: PK,
        expiresAt,
        ttl: START_TICKET_TTL_SECONDS + 3600,
      };
      await (await container()).items.create(doc);
      return { ticket, expiresAt };
    },

    async redeem(ticket, provider) {
      if (!TICKET.test(ticket)) throw new StartTicketError('malformed');
      const item = (await container()).item(ticketId(ticket), PK);
      let doc: TicketDoc | undefined;
      try {
        doc = (await item.read<TicketDoc>()).resource;
        // Deleting is what uses it: of two concurrent redeems only one deletes, the other finds nothing.
        if (doc) await item.delete();
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        doc = undefined;
      }
      if (!doc) throw new StartTicketError('unknown');
      if (Date.parse(doc.expiresAt) < deps.clock.now().getTime()) throw new StartTicketError('expired');
      if (doc.provider !== provider) throw new StartTicketError('wrong-provider');
      const { tenantId, families, scopes, connectorId, dropsScopes, returnTo } = doc;
      return {
        tenantId,
        provider,
        families,
        scopes,
        dropsScopes,
        ...(connectorId ? { connectorId } : {}),
        ...(returnTo ? { returnTo } : {}),
      };
    },
  };
}
