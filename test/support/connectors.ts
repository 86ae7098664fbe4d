import assert from 'node:assert/strict';
import type { LocalPlatform } from '../../local/testing';
import { createServices, type Services } from '../../shared/app/services';
import { loadSettings } from '../../shared/platform/config';
import { tokenContext, type ConnectorRecord } from '../../shared/connectors/connector-record';
import { createKeySource } from '../../shared/connectors/tokens/key-source';
import { createTokenCipher } from '../../shared/connectors/tokens/token-cipher';
import { createTenantRepository, type TenantRepository } from '../../shared/platform/cosmos/tenant-repository';

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

/** The `name=value` of the flow cookie a start answer sets, as the browser would send it back. */
function flowCookieOf(response: Response): string {
  const set = response.headers.getSetCookie().find((c) => c.startsWith('connect_flow_'));
  assert.ok(set, 'the start sets the flow cookie');
  return set.split(';')[0]!;
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Where the start's continue page sends the browser (its meta refresh): the provider's consent URL. */
export function continueUrlOf(page: string): string {
  const url = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(page)?.[1];
  assert.ok(url, 'the start page continues to the provider');
  return unescapeHtml(url);
}

/** The web app's origin, where a person's browser posts start tickets from. */
export const webOrigin = (platform: LocalPlatform) => new URL(platform.settings.WEB_BASE_URL!).origin;

/**
 * Posts a start ticket as a browser submits the web app's form: a top-level POST with the page's Origin (the web
 * app's unless `origin` says otherwise) and the cookies this browser holds for the API.
 */
export function postTicket(
  startUrl: string,
  ticket: string,
  browser: { origin: string | null; cookie?: string },
): Promise<Response> {
  return fetch(startUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(browser.origin === null ? {} : { origin: browser.origin }),
      ...(browser.cookie ? { cookie: browser.cookie } : {}),
    },
    body: new URLSearchParams({ ticket }),
    redirect: 'manual',
  });
}

/** The answer of `POST /connectors/{provider}/authorize`. */
interface Issued {
  startUrl: string;
  ticket: string;
  expiresAt: string;
  families: string[];
  scopes: string[];
}

/** Asks for a start ticket as the web app does (POST authorize with the bearer). */
export async function startTicket(
  platform: LocalPlatform,
  token: string,
  provider: 'google' | 'microsoft' | 'notion',
  body: Record<string, unknown> = {},
): Promise<Issued & { response: Response }> {
  const response = await platform.api(`/connectors/${provider}/authorize`, { method: 'POST', token, json: body });
  assert.equal(response.status, 200, await response.clone().text());
  return { ...((await response.clone().json()) as Issued), response };
}

/**
 * Starts a flow as the web app in a browser does: a start ticket with the bearer, posted from the web app's page.
 * Returns the provider URL, this browser's flow cookie, the ticket's answer (`issued`) and the start's answer.
 */
export async function startFlow(
  platform: LocalPlatform,
  token: string,
  provider: 'google' | 'microsoft' | 'notion',
  body: Record<string, unknown> = {},
  cookie?: string,
): Promise<{ authorizationUrl: string; cookie: string; response: Response; issued: Issued }> {
  const { startUrl, ticket, expiresAt, families, scopes } = await startTicket(platform, token, provider, body);
  const issued = { startUrl, ticket, expiresAt, families, scopes };
  const response = await postTicket(issued.startUrl, issued.ticket, { origin: webOrigin(platform), cookie });
  assert.equal(response.status, 200, await response.clone().text());
  const authorizationUrl = continueUrlOf(await response.clone().text());
  return { authorizationUrl, cookie: flowCookieOf(response), response, issued };
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
 * The real authorization code flow, as a browser would do it: start it (keeping the API's cookie), open the
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
  return createTenantRepository<ConnectorRecord>(services.cosmos(), 'connectors', 'connector');
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

let delivered = 0;

/**
 * Delivers a new mail into the Google emulator's inbox of the connected account, as Gmail's `messages.import` does
 * for a mail from outside. Runs read only what is new since their agent's last completed run: tests that run the same
 * agent again give it something new this way.
 */
export async function deliverMail(
  services: Services,
  at: { tenantId: string; connectorId: string; apiRoot: string },
  mail: { from: string; subject: string; text: string; to?: string },
): Promise<string> {
  const { tokens } = await storedTokens(services, at.tenantId, at.connectorId);
  const raw = [
    `From: ${mail.from}`,
    `To: ${mail.to ?? 'Alex Morgan <alex.morgan@gmail.example>'}`,
    `Subject: ${mail.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <delivered-${Date.now()}-${++delivered}@tests.example>`,
    'Content-Type: text/plain; charset=UTF-8',
    '',
    mail.text,
  ].join('\r\n');
  const res = await fetch(`${at.apiRoot}gmail/v1/users/me/messages/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ raw: Buffer.from(raw).toString('base64url') }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}
