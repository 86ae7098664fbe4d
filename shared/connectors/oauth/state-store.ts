import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { CosmosStore } from '../../platform/cosmos/store';
import type { TokenCipher, Sealed } from '../tokens/token-cipher';
import type { ConnectorFamily, ProviderName } from '../types';
import { browserNonceHash, browserNonceMatches } from './browser-binding';

/** What a `state` stands for, kept server-side until the callback consumes it. */
export interface PendingAuthorization {
  tenantId: string;
  provider: ProviderName;
  families: ConnectorFamily[];
  scopes: string[];
  codeVerifier: string;
  /** Connector the consent extends (incremental consent), if any. */
  connectorId?: string;
  /** The web app's page to return to afterwards (a path), when not the Connections page. */
  returnTo?: string;
}

interface StateDoc {
  id: string;
  pk: string;
  tenantId: string;
  provider: ProviderName;
  families: ConnectorFamily[];
  scopes: string[];
  connectorId?: string;
  returnTo?: string;
  verifier: Sealed;
  /** Hash of the nonce in the starting browser's flow cookie. */
  browser: string;
  expiresAt: string;
  ttl: number;
}

/** Why a state was refused; each maps to a page the person can understand. */
export class StateError extends Error {
  constructor(
    readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'used' | 'wrong-provider' | 'other-browser',
  ) {
    super(reason);
  }
}

const PK = 'oauth-state';

const pkceChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * Signed, expiring, single-use OAuth `state`. The URL carries `<id>.<expiry>.<provider>.<hmac>`; the PKCE verifier and
 * the tenant stay server-side in the `system` container, and consuming deletes the document, so a replay finds nothing.
 * Each state is bound to the browser that started it (see browser-binding): only that browser's nonce consumes it.
 */
export interface OAuthStateStore {
  /** Stores a new state for `pending`, bound to the browser holding `browserNonce`. */
  create(
    pending: Omit<PendingAuthorization, 'codeVerifier'>,
    browserNonce: string,
  ): Promise<{ state: string; codeChallenge: string; expiresAt: string }>;
  /**
   * Verifies and consumes a state (once), if `browserNonce` is the starting browser's. Another browser's attempt
   * leaves the state for its own browser. Throws StateError.
   */
  consume(state: string, provider: ProviderName, browserNonce: string | undefined): Promise<PendingAuthorization>;
}

export interface OAuthStateStoreDeps {
  store: CosmosStore;
  cipher: TokenCipher;
  clock: Clock;
  /** How long a state can be used. */
  ttlSeconds: number;
}

export function createOAuthStateStore(deps: OAuthStateStoreDeps): OAuthStateStore {
  const { store, cipher, clock, ttlSeconds } = deps;
  return {
    async create(pending, browserNonce) {
      const id = randomUUID();
      const codeVerifier = randomBytes(48).toString('base64url');
      const expires = new Date(clock.now().getTime() + ttlSeconds * 1000);
      const doc: StateDoc = {
        id,
        pk: PK,
        tenantId: pending.tenantId,
        provider: pending.provider,
        families: pending.families,
        scopes: pending.scopes,
        ...(pending.connectorId ? { connectorId: pending.connectorId } : {}),
        ...(pending.returnTo ? { returnTo: pending.returnTo } : {}),
        verifier: await cipher.seal(codeVerifier, `oauth-state:${id}`),
        browser: browserNonceHash(browserNonce),
        expiresAt: expires.toISOString(),
        ttl: ttlSeconds + 3600,
      };
      await (await store.container('system')).items.create(doc);
      const unsigned = `${id}.${Math.floor(expires.getTime() / 1000)}.${pending.provider}`;
      return {
        state: `${unsigned}.${await cipher.sign(unsigned)}`,
        codeChallenge: pkceChallenge(codeVerifier),
        expiresAt: doc.expiresAt,
      };
    },

    async consume(state, provider, browserNonce) {
      const parts = state.split('.');
      if (parts.length !== 4 || !/^[0-9a-f-]{36}$/.test(parts[0]!) || !/^\d+$/.test(parts[1]!))
        throw new StateError('malformed');
      const [id, exp, stateProvider, signature] = parts as [string, string, string, string];
      if (!(await cipher.verify(`${id}.${exp}.${stateProvider}`, signature))) throw new StateError('bad-signature');
      if (stateProvider !== provider) throw new StateError('wrong-provider');
      if (Number(exp) * 1000 < clock.now().getTime()) throw new StateError('expired');
      const container = await store.container('system');
      let doc: StateDoc | undefined;
      try {
        doc = (await container.item(id, PK).read<StateDoc>()).resource;
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
      if (!doc) throw new StateError('used');
      if (!browserNonceMatches(browserNonce, doc.browser)) throw new StateError('other-browser');
      try {
        await container.item(id, PK).delete();
      } catch (err) {
        // Someone consumed it between our read and delete: a replay.
        if ((err as { code?: number }).code === 404) throw new StateError('used');
        throw err;
      }
      return {
        tenantId: doc.tenantId,
        provider: doc.provider,
        families: doc.families,
        scopes: doc.scopes,
        connectorId: doc.connectorId,
        ...(doc.returnTo ? { returnTo: doc.returnTo } : {}),
        codeVerifier: await cipher.open(doc.verifier, `oauth-state:${id}`),
      };
    },
  };
}
