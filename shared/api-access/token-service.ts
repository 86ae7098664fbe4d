import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { auditedAs, type Actor } from '../platform/audit/actor';
import type { AuditLog } from '../platform/audit/audit-log';
import type { Clock } from '../platform/clock';
import type { CosmosStore } from '../platform/cosmos/store';
import { createTenantRepository } from '../platform/cosmos/tenant-repository';
import { NotFoundError, UnauthorizedError } from '../platform/errors';
import type { Principal } from '../platform/http/principal';
import type { UsageService } from '../identity/usage';
import { TOKEN_PREFIX, type ApiTokenDoc, type CreateTokenInput } from './token-model';

export interface ApiTokenServiceDeps {
  store: CosmosStore;
  clock: Clock;
  audit: () => AuditLog;
  usage: () => Pick<UsageService, 'createCounted' | 'giveBack'>;
  /** Key of the keyed hash tokens are stored under (Key Vault in Azure, a key file locally). */
  key: () => Buffer;
}

/** Personal access tokens: made and revoked with the person's sign-in, then accepted in its place on scoped routes. */
export interface ApiTokenService {
  /** Makes a token; the answer holds the token itself, which is never stored nor shown again. Counted as `apiTokens`. */
  create(principal: Principal, input: CreateTokenInput, actor: Actor): Promise<{ doc: ApiTokenDoc; token: string }>;
  /** The person's tokens (expired ones too, until removed), newest first. */
  list(tenantId: string): Promise<ApiTokenDoc[]>;
  /** Revokes a token at once, on every instance (the next request with it is refused). Another person's: 404. */
  revoke(tenantId: string, tokenId: string, actor: Actor): Promise<void>;
  /** Whether an Authorization value carries an access token (rather than a sign-in JWT). */
  isAccessToken(header: string | null): boolean;
  /** The person a token acts for; UnauthorizedError when it is unknown, revoked or expired. */
  authenticate(header: string | null): Promise<Principal>;
  /** Removes every token of the tenant and its lookup entries (erasure). */
  eraseTenant(tenantId: string): Promise<void>;
}

const BEARER = /^Bearer\s+(pap_[A-Za-z0-9_-]{43,100})$/i;
/** How often the "last used" time is written at most (a busy script would otherwise write on every request). */
const LAST_USED_EVERY_MS = 60_000;
/** Expired tokens stay listed (so people see why a script stopped) for this long, then are reclaimed. */
const KEEP_EXPIRED_SECONDS = 30 * 86_400;

const invalid = (reason: string, detail: string) =>
  new UnauthorizedError(detail, `Bearer error="invalid_token", error_description="${reason}"`);

/**
 * Tokens live in the tenant's `apiTokens` container (the keyed hash only); a lookup entry in the `system` container
 * maps a hash to its tenant and token, since a request names neither. Every request reads the token document itself
 * (no cache), so a revoked or expired token is refused at once by every instance.
 */
export function createApiTokenService(deps: ApiTokenServiceDeps): ApiTokenService {
  const tokens = createTenantRepository<ApiTokenDoc>(deps.store, 'apiTokens', 'access token');
  const hashOf = (token: string) => createHmac('sha256', deps.key()).update(token).digest();
  const lookupId = (hash: string) => `api-token:${hash}`;
  const system = (): Promise<Container> => deps.store.container('system');

  async function removeLookup(hash: string): Promise<void> {
    try {
      await (await system()).item(lookupId(hash), lookupId(hash)).delete();
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
  }

  return {
    async create(principal, input, actor) {
      const now = deps.clock.now();
      const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const hash = hashOf(token).toString('base64url');
      const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000);
      const lifetime = Math.ceil((expiresAt.getTime() - now.getTime()) / 1000) + KEEP_EXPIRED_SECONDS;
      const doc: ApiTokenDoc = {
        id: `tok_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        tenantId: principal.tenantId,
        type: 'api-token',
        name: input.name,
        scopes: input.scopes,
        hash,
        prefix: token.slice(0, TOKEN_PREFIX.length + 4),
        issuer: principal.issuer,
        subject: principal.subject,
        ...(principal.email ? { email: principal.email } : {}),
        createdAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
        ttl: lifetime,
      };
      // Counted under the tier's limit: a slot is held, then charged once both documents are written.
      await deps.usage().createCounted(principal.tenantId, 'apiTokens', doc.id, async () => {
        await tokens.create(doc);
        try {
          await (
            await system()
          ).items.create({
            id: lookupId(hash),
            pk: lookupId(hash),
            tenantId: doc.tenantId,
            tokenId: doc.id,
            ttl: lifetime,
          });
        } catch (err) {
          await tokens.delete(doc.tenantId, doc.id).catch(() => undefined);
          throw err;
        }
        return { created: true };
      });
      await deps.audit().record({
        tenantId: doc.tenantId,
        ...auditedAs(actor),
        action: 'api-token.created',
        target: { type: 'api-token', id: doc.id },
        outcome: 'success',
        summary: `Created access token "${doc.name}" (${doc.scopes.join(', ')}), expiring ${doc.expiresAt.slice(0, 10)}`,
        after: { name: doc.name, scopes: doc.scopes, prefix: doc.prefix, expiresAt: doc.expiresAt },
      });
      return { doc, token };
    },

    async list(tenantId) {
      return tokens.queryAll(tenantId, "SELECT * FROM c WHERE c.type = 'api-token' ORDER BY c.createdAt DESC", [], 500);
    },

    async revoke(tenantId, tokenId, actor) {
      const doc = await tokens.get(tenantId, tokenId);
      if (!doc) throw new NotFoundError('access token');
      // The lookup goes first: from then on no instance finds the token, even if the rest fails and is retried.
      await removeLookup(doc.hash);
      await tokens.delete(tenantId, tokenId);
      await deps.usage().giveBack(tenantId, 'apiTokens');
      await deps.audit().record({
        tenantId,
        ...auditedAs(actor),
        action: 'api-token.revoked',
        target: { type: 'api-token', id: tokenId },
        outcome: 'success',
        summary: `Revoked access token "${doc.name}" (${doc.prefix}…)`,
      });
    },

    isAccessToken(header) {
      return !!header && /^Bearer\s+pap_/i.test(header.trim());
    },

    async authenticate(header) {
      const match = header ? BEARER.exec(header.trim()) : null;
      if (!match) throw invalid('malformed token', 'The access token is not valid.');
      const given = hashOf(match[1]!);
      const id = lookupId(given.toString('base64url'));
      let entry: { tenantId?: string; tokenId?: string } | undefined;
      try {
        entry = (await (await system()).item(id, id).read<{ tenantId: string; tokenId: string }>()).resource;
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
      const doc = entry?.tenantId && entry.tokenId ? await tokens.get(entry.tenantId, entry.tokenId) : undefined;
      const stored = doc ? Buffer.from(doc.hash, 'base64url') : undefined;
      if (!doc || !stored || stored.length !== given.length || !timingSafeEqual(stored, given) || doc.revokedAt)
        throw invalid('unknown or revoked token', 'The access token is not valid or was revoked.');
      const now = deps.clock.now();
      if (Date.parse(doc.expiresAt) <= now.getTime())
        throw invalid('token expired', `The access token "${doc.name}" expired on ${doc.expiresAt.slice(0, 10)}.`);
      if (!doc.lastUsedAt || now.getTime() - Date.parse(doc.lastUsedAt) >= LAST_USED_EVERY_MS) {
        // Best effort: a lost "last used" write must not refuse the request.
        await tokens
          .patch(doc.tenantId, doc.id, [{ op: 'set', path: '/lastUsedAt', value: now.toISOString() }])
          .catch(() => undefined);
      }
      return {
        tenantId: doc.tenantId,
        issuer: doc.issuer,
        subject: doc.subject,
        email: doc.email,
        token: { id: doc.id, name: doc.name, scopes: doc.scopes },
      };
    },

    async eraseTenant(tenantId) {
      for (const doc of await tokens.queryAll(tenantId, 'SELECT c.id, c.tenantId, c.hash FROM c'))
        await removeLookup(doc.hash);
    },
  };
}
