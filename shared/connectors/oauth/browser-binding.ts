import type { Cookie } from '@azure/functions';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ProviderName } from '../types';

/**
 * Binds an OAuth flow to the browser that started it: starting sets an HttpOnly cookie holding a random nonce, the
 * state record keeps only the nonce's hash, and the callback must bring the same cookie. A sign-in started by someone
 * else (and finished in this browser), or the reverse, is refused.
 */
const COOKIE_PATH = '/api/connectors/';
const NONCE = /^[A-Za-z0-9_-]{43}$/;

const flowCookieName = (provider: ProviderName) => `connect_flow_${provider}`;

export const newBrowserNonce = () => randomBytes(32).toString('base64url');

export const browserNonceHash = (nonce: string) =>
  createHash('sha256').update(`connector-flow:${nonce}`).digest('base64url');

/** True when `nonce` hashes to `expectedHash`; constant time. */
export function browserNonceMatches(nonce: string | undefined, expectedHash: string | undefined): boolean {
  if (!nonce || !expectedHash) return false;
  const actual = Buffer.from(browserNonceHash(nonce));
  const expected = Buffer.from(expectedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The flow nonce this browser sent for `provider`, if it sent a well-formed one. */
export function browserNonceOf(cookieHeader: string | null, provider: ProviderName): string | undefined {
  const name = flowCookieName(provider);
  for (const part of (cookieHeader ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    if (NONCE.test(value)) return value;
  }
  return undefined;
}

function flowCookie(provider: ProviderName, value: string, maxAge: number, publicBaseUrl: string): Cookie {
  return {
    name: flowCookieName(provider),
    value,
    path: COOKIE_PATH,
    httpOnly: true,
    secure: publicBaseUrl.startsWith('https:'),
    sameSite: 'Lax',
    maxAge,
  };
}

/** Set on starting a flow; lives as long as its state. */
export const setFlowCookie = (provider: ProviderName, nonce: string, ttlSeconds: number, publicBaseUrl: string) =>
  flowCookie(provider, nonce, ttlSeconds, publicBaseUrl);

/** Sent with every callback answer: the nonce is used up either way. */
export const clearFlowCookie = (provider: ProviderName, publicBaseUrl: string) =>
  flowCookie(provider, '', 0, publicBaseUrl);
