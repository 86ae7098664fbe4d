import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Settings } from '../platform/config';

/** What an emailed link may do: decide one suggestion, or turn one person's notification emails off. */
export type LinkClaims =
  | {
      purpose: 'decide';
      tenantId: string;
      suggestionId: string;
      decision: 'approve' | 'reject';
      /** The tenant's link epoch when signed: a link of an older epoch is revoked. */
      epoch: number;
      expiresAt: number;
      nonce: string;
    }
  | { purpose: 'unsubscribe'; tenantId: string; expiresAt: number; nonce: string };

/** Claims before signing (the nonce is added by `sign`). */
export type UnsignedClaims = LinkClaims extends infer C ? (C extends LinkClaims ? Omit<C, 'nonce'> : never) : never;

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired'; claims?: LinkClaims };

const VERSION = 'v1';

/** Signs and checks emailed links. Claims are visible (base64url JSON) but cannot be changed without the key. */
export interface LinkSigner {
  sign(claims: UnsignedClaims): string;
  verify(token: string, now: Date): LinkCheck;
}

export function createLinkSigner(key: Buffer): LinkSigner {
  if (key.length < 32) throw new Error('The approval link key must be at least 32 bytes.');
  const mac = (data: string) => createHmac('sha256', key).update(`approval-link:${data}`).digest();
  return {
    sign(claims) {
      const body = Buffer.from(JSON.stringify({ ...claims, nonce: randomBytes(12).toString('base64url') })).toString(
        'base64url',
      );
      return `${VERSION}.${body}.${mac(`${VERSION}.${body}`).toString('base64url')}`;
    },
    verify(token, now) {
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2] || token.length > 2048)
        return { ok: false, reason: 'malformed' };
      const expected = mac(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2], 'base64url');
      // Canonical encoding only, so a token has exactly one spelling (no variants through unused padding bits).
      if (given.toString('base64url') !== parts[2]) return { ok: false, reason: 'malformed' };
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'bad-signature' };
      let claims: LinkClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as LinkClaims;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (
        typeof claims.expiresAt !== 'number' ||
        typeof claims.tenantId !== 'string' ||
        typeof claims.nonce !== 'string'
      ) {
        return { ok: false, reason: 'malformed' };
      }
      if (claims.expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
      return { ok: true, claims };
    },
  };
}

/**
 * The signing key: APPROVAL_LINK_KEY (base64; a Key Vault reference in Azure), or locally a key file created on
 * first use, so links keep working across restarts.
 */
export function loadLinkKey(settings: Settings): Buffer {
  if (settings.APPROVAL_LINK_KEY) {
    const key = Buffer.from(settings.APPROVAL_LINK_KEY, 'base64');
    if (key.length < 32) throw new Error('APPROVAL_LINK_KEY must be base64 of at least 32 bytes.');
    return key;
  }
  if (settings.APP_ENV === 'azure') throw new Error('APPROVAL_LINK_KEY is not set.');
  const path = resolve(settings.APPROVAL_LINK_KEY_FILE);
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
}
