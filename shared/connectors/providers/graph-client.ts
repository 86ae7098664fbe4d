import type { Client } from '@microsoft/microsoft-graph-client';
import type { Settings } from '../../platform/config';
import { ValidationError } from '../../platform/errors';

/** Graph preferences on every call: ids that survive moves (archive/undo), times in UTC. */
const PREFER = 'IdType="ImmutableId", outlook.timezone="UTC", outlook.body-content-type="text"';

/**
 * A Graph client whose only transport is the connector's resilient fetch (auth, retries, 401 handling),
 * pointed at the configured Graph base URL.
 */
export async function createGraphClient(settings: Settings, fetchImpl: typeof fetch): Promise<Client> {
  const { Client } = await import('@microsoft/microsoft-graph-client');
  const transport = {
    async execute(context: { request: string | Request; options?: RequestInit; response?: Response }) {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      const headers = new Headers(context.options?.headers);
      if (!headers.has('prefer')) headers.set('prefer', PREFER);
      context.response = await fetchImpl(url, { ...context.options, headers });
    },
  };
  return Client.initWithMiddleware({
    middleware: transport,
    baseUrl: graphBase(settings) + '/',
    defaultVersion: 'v1.0',
  });
}

const graphBase = (settings: Settings) => settings.MICROSOFT_GRAPH_BASE_URL.replace(/\/$/, '');

/** Our cursor for a Graph `@odata.nextLink`: opaque to callers, and only ever a link on the Graph host. */
export function encodeNextLink(link: string | undefined, settings: Settings): string | null {
  if (!link) return null;
  // Graph sends absolute links; accept a path too, resolved against the configured Graph host.
  const absolute = new URL(link, graphBase(settings) + '/').toString();
  return Buffer.from(absolute, 'utf8').toString('base64url');
}

function decodeNextLink(cursor: string, settings: Settings): string {
  const link = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!link.startsWith(graphBase(settings) + '/')) {
    throw new ValidationError('The cursor is not valid.', [
      { path: 'cursor', message: 'not a cursor from this listing' },
    ]);
  }
  return link;
}

export interface GraphRecipient {
  emailAddress?: { name?: string; address?: string };
}

export const toAddress = (r: GraphRecipient | undefined) => ({
  email: r?.emailAddress?.address ?? '',
  ...(r?.emailAddress?.name ? { name: r.emailAddress.name } : {}),
});

export const recipients = (emails: string[] | undefined) =>
  (emails ?? []).map((address) => ({ emailAddress: { address } }));

/** Graph date-times without an offset are UTC (we ask for UTC). */
export function utc(value: { dateTime?: string; timeZone?: string } | string | undefined): string {
  const raw = typeof value === 'string' ? value : value?.dateTime;
  if (!raw) return '';
  return new Date(/[zZ]|[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`).toISOString();
}

/**
 * The next page of a Graph listing, from our cursor. Fetched directly (the Graph client only keeps absolute links on
 * https hosts), with the same transport and preferences as every other call.
 */
export async function followNextLink(
  cursor: string,
  settings: Settings,
  fetchImpl: typeof fetch,
): Promise<{ value?: unknown[]; '@odata.nextLink'?: string }> {
  const response = await fetchImpl(decodeNextLink(cursor, settings), {
    headers: { accept: 'application/json', prefer: PREFER },
  });
  if (!response.ok) {
    await response.arrayBuffer().catch(() => undefined);
    throw Object.assign(new Error(`Graph answered ${response.status}`), { statusCode: response.status });
  }
  return (await response.json()) as { value?: unknown[]; '@odata.nextLink'?: string };
}
