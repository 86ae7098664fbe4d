import assert from 'node:assert/strict';
import type { LocalPlatform } from '../../local/testing';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';
import { tokenContext, type ConnectorRecord } from '../../shared/connectors/connector-record';
import { createKeySource } from '../../shared/connectors/tokens/key-source';
import { createTokenCipher } from '../../shared/connectors/tokens/token-cipher';
import { TenantRepository } from '../../shared/platform/cosmos/tenant-repository';

/** The app's services in this process, wired to the running platform's stores and emulators. */
export function servicesOf(platform: LocalPlatform): Services {
  return createServices(loadSettings({ ...process.env, ...platform.settings }));
}

/** Hidden inputs of the emulator's sign-in form for `email`. */
function signInForm(page: string, email: string): { action: string; fields: Record<string, string> } {
  for (const form of page.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*>/g) ?? []) {
      const name = input.match(/name="([^"]*)"/)?.[1];
      const value = input.match(/value="([^"]*)"/)?.[1] ?? '';
      if (name)
        fields[name] = value
          .replace(/&amp;/g, '&')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>');
    }
    if (fields.email === email) return { action: form.match(/action="([^"]*)"/)![1]!, fields };
  }
  throw new Error(`no sign-in button for ${email}`);
}

/** The `name=value` of the flow cookie an authorize answer sets, as the browser would send it back. */
function flowCookieOf(response: Response): string {
  const set = response.headers.getSetCookie().find((c) => c.startsWith('connect_flow_'));
  assert.ok(set, 'authorize sets the flow cookie');
  return set.split(';')[0]!;
}

/** Starts a flow as the web app does (POST authorize with the bearer): the provider URL and this browser's cookie. */
export async function startFlow(
  platform: LocalPlatform,
  token: string,
  provider: 'google' | 'microsoft' | 'notion',
  body: Record<string, unknown> = {},
  cookie?: string,
): Promise<{ authorizationUrl: string; cookie: string; response: Response }> {
  const response = await platform.api(`/connectors/${provider}/authorize`, {
    method: 'POST',
    token,
    json: body,
    headers: cookie ? { cookie } : {},
  });
  assert.equal(response.status, 200, await response.clone().text());
  const { authorizationUrl } = (await response.clone().json()) as { authorizationUrl: string };
  return { authorizationUrl, cookie: flowCookieOf(response), response };
}

/** Picks `email` on the emulator's sign-in page; returns where the provider sends the browser back (our callback). */
export async function signIn(authorizationUrl: string, email: string): Promise<string> {
  const page = await fetch(authorizationUrl);
  assert.equal(page.status, 200);
  const { action, fields } = signInForm(await page.text(), email);
  const chosen = await fetch(new URL(action, authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
  assert.equal(chosen.status, 302);
  return chosen.headers.get('location')!;
}

/** Opens a callback URL as the browser holding `cookie` would (no cookie: another browser). */
export const openCallback = (callbackUrl: string, cookie?: string) =>
  fetch(callbackUrl, { redirect: 'manual', headers: cookie ? { cookie } : {} });

/**
 * The real authorization code flow, as a browser would do it: ask the API for the URL (keeping its cookie), open the
 * provider's sign-in page, pick the account, follow the redirect back to our callback with the cookie. Returns the
 * callback URL and its response.
 */
export async function consent(
  platform: LocalPlatform,
  token: string,
  provider: 'google' | 'microsoft',
  email: string,
  body: Record<string, unknown> = {},
): Promise<{ callbackUrl: string; response: Response; authorizationUrl: string; cookie: string }> {
  const { authorizationUrl, cookie } = await startFlow(platform, token, provider, body);
  const callbackUrl = await signIn(authorizationUrl, email);
  const response = await openCallback(callbackUrl, cookie);
  return { callbackUrl, response, authorizationUrl, cookie };
}

/**
 * The connectors container as the connector service stores it, for tests that stage a record's state directly
 * (an expiring token, a refresh held elsewhere, a retired key) or read what was stored.
 */
export function connectorRecords(services: Services): TenantRepository<ConnectorRecord> {
  return new TenantRepository<ConnectorRecord>(services.cosmos(), 'connectors', 'connector');
}

/** The stored record and its decrypted tokens (tests only: to prove they never leak). */
export async function storedTokens(services: Services, tenantId: string, connectorId: string) {
  const record = await connectorRecords(services).getOrThrow(tenantId, connectorId);
  const cipher = createTokenCipher(createKeySource(services.settings));
  const tokens = JSON.parse(await cipher.open(record.tokens, tokenContext(tenantId, connectorId))) as {
    accessToken: string;
    refreshToken?: string;
  };
  return { record, tokens };
}
