import { z } from 'zod';
import { ConnectFlowError, startedElsewhere } from '../shared/connectors/oauth/connect-flow-errors';
import { PROVIDER_LABEL } from '../shared/connectors/access-tokens';
import {
  authorizationStartView,
  connectableProviderView,
  connectorFamily,
  connectorView,
  providerName,
} from '../shared/connectors/view';
import { isProviderConfigured, oauthProviderConfig } from '../shared/connectors/oauth/provider-configs';
import {
  browserNonceOf,
  clearFlowCookie,
  newBrowserNonce,
  setFlowCookie,
} from '../shared/connectors/oauth/browser-binding';
import { escapeHtml, renderPage } from '../shared/platform/http/html';
import { httpRoute } from '../shared/app/http-route';
import { html, noContent, ok, redirect } from '../shared/platform/http/responses';
import { resourceId } from '../shared/platform/ids';

const provider = providerName;
const family = connectorFamily;
/** Our id shape, narrowed to what connector ids look like. */
/** A page of the web app: a path on its own origin (never `//elsewhere`), with an optional query. */
const appPath = z
  .string()
  .max(300)
  .regex(
    /^\/(?![/\\])[A-Za-z0-9/_\-.~%?=&]*$/,
    'a path of the web app, such as /catalog/packs/inbox-assistant/install',
  );
const connectorId = resourceId.regex(/^(google|microsoft|notion)-[0-9a-f]{16}$/, 'not a connector id');

export const listConnectors = httpRoute({
  name: 'listConnectors',
  method: 'GET',
  route: 'connectors',
  summary: 'Your connected accounts and their health (tokens are never returned)',
  tags: ['connectors'],
  scope: 'connectors:read',
  response: z.object({ items: z.array(connectorView), nextCursor: z.null() }),
  async handler({ services, principal }) {
    const [connectors, push] = await Promise.all([
      services
        .connectorService()
        .list(principal.tenantId)
        .then((list) => services.connectorService().withPermissions(principal.tenantId, list)),
      services.pushSubscriptions().statesOf(principal.tenantId),
    ]);
    const items = connectors.map((c) => (push[c.id] ? { ...c, push: push[c.id] } : c));
    return ok({ items, nextCursor: null }, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const listConnectableProviders = httpRoute({
  name: 'listConnectableProviders',
  method: 'GET',
  route: 'catalog/providers',
  summary: 'The account providers this installation can connect (those it has an OAuth client for) and their families',
  tags: ['catalog'],
  scope: 'connectors:read',
  response: z.object({ items: z.array(connectableProviderView) }),
  async handler({ services }) {
    const items = providerName.options
      .filter((name) => isProviderConfigured(name, services.settings))
      .map((name) => ({ provider: name, families: oauthProviderConfig(name, services.settings).families }));
    return ok({ items });
  },
});

export const getConnector = httpRoute({
  name: 'getConnector',
  method: 'GET',
  route: 'connectors/{connectorId}',
  summary: 'One connected account and its health',
  tags: ['connectors'],
  scope: 'connectors:read',
  params: z.object({ connectorId }),
  response: connectorView,
  async handler({ services, principal, params }) {
    const versioned = await services.connectorService().getVersioned(principal.tenantId, params.connectorId);
    const [connector = versioned.connector] = await services
      .connectorService()
      .withPermissions(principal.tenantId, [versioned.connector]);
    const etag = versioned.etag;
    const push = (await services.pushSubscriptions().statesOf(principal.tenantId))[connector.id];
    return ok(push ? { ...connector, push } : connector, { etag, headers: { 'Cache-Control': 'no-store' } });
  },
});

export const authorizeConnector = httpRoute({
  name: 'authorizeConnector',
  method: 'POST',
  route: 'connectors/{provider}/authorize',
  summary:
    'Starts connecting an account: checks the request and returns a single-use start ticket, which the browser posts to startUrl (a top-level navigation) within two minutes',
  tags: ['connectors'],
  params: z.object({ provider }),
  body: z
    .object({
      /** What to give access to; default: what your installed packs need. */
      families: z.array(family).max(4).optional(),
      /** Alternatively, permissions as the packs list them (e.g. Mail.Read); mapped to families. */
      scopes: z.array(z.string().min(1).max(200)).max(30).optional(),
      /** Extend this connector's access (incremental consent) or reconnect it. */
      connectorId: connectorId.optional(),
      /** The web app's page to come back to after consent, e.g. a pack's install page (default: Connections). */
      returnTo: appPath.optional(),
    })
    .strict()
    .default({}),
  response: authorizationStartView,
  async handler({ services, principal, params, body }) {
    const issued = await services.connectorService().issueStartTicket(principal.tenantId, params.provider, body ?? {});
    const startUrl = `${services.settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/connectors/${params.provider}/start`;
    return ok({ startUrl, ...issued }, { headers: { 'Cache-Control': 'no-store' } });
  },
});

/** The origins a start may be posted from: the web app's and the API's own (they are one in the linked setup). */
function startOriginAllowed(origin: string | null, settings: { WEB_BASE_URL: string; PUBLIC_BASE_URL: string }) {
  const allowed = [settings.WEB_BASE_URL, settings.PUBLIC_BASE_URL].map((url) => new URL(url).origin);
  return origin !== null && allowed.includes(origin);
}

const continuePage = (label: string, authorizationUrl: string) => {
  const url = escapeHtml(authorizationUrl);
  return renderPage(
    `Continue to ${label}`,
    `<h1>Continue to ${escapeHtml(label)}</h1><p>Taking you to ${escapeHtml(label)} to choose what to share.</p><p><a href="${url}">Continue</a></p>`,
  ).replace('<title>', `<meta http-equiv="refresh" content="0;url=${url}"><title>`);
};

export const startConnectorAuthorization = httpRoute({
  name: 'startConnectorAuthorization',
  method: 'POST',
  route: 'connectors/{provider}/start',
  summary:
    "Where the web app's browser posts a start ticket (a top-level form post, from the web app's origin only): binds the sign-in to this browser with a cookie on the API's origin and continues to the provider",
  tags: ['connectors'],
  auth: 'none',
  errorFormat: 'html',
  produces: 'text/html',
  params: z.object({ provider }),
  bodyFormat: 'form',
  body: z.object({ ticket: z.string().max(200) }),
  async handler({ services, params, body, request }) {
    // Browsers send Origin with every form post: a page elsewhere cannot start a flow with a ticket it obtained.
    if (!startOriginAllowed(request.headers.get('origin'), services.settings)) throw startedElsewhere();
    // A second start in the same browser (another tab, a double click) keeps the nonce, so both sign-ins stay valid.
    const nonce = browserNonceOf(request.headers.get('cookie'), params.provider) ?? newBrowserNonce();
    const authorizationUrl = await services.connectorService().authorize(params.provider, body.ticket, nonce);
    const { CONNECTOR_STATE_TTL_SECONDS, PUBLIC_BASE_URL } = services.settings;
    // A page, not a redirect: the web app's CSP (form-action) would refuse a redirect of its form to the provider.
    return {
      ...html(continuePage(PROVIDER_LABEL[params.provider], authorizationUrl)),
      cookies: [setFlowCookie(params.provider, nonce, CONNECTOR_STATE_TTL_SECONDS, PUBLIC_BASE_URL)],
    };
  },
});

const callbackPage = (title: string, detail: string, connectorsUrl: string) =>
  renderPage(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p><p><a href="${escapeHtml(connectorsUrl)}">Back to your connections</a></p>`,
  );

export const connectorCallback = httpRoute({
  name: 'completeConnectorAuthorization',
  method: 'GET',
  route: 'connectors/{provider}/callback',
  summary:
    'Where the provider sends the person back after consent; in the browser that started the sign-in (its cookie), finishes the connection and returns to the web app',
  tags: ['connectors'],
  auth: 'none',
  errorFormat: 'html',
  produces: 'text/html',
  successStatus: 302,
  params: z.object({ provider }),
  query: z.object({
    code: z.string().max(4096).optional(),
    state: z.string().max(1024).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
  }),
  async handler({ services, params, query, correlationId, request }) {
    const connectorsUrl = `${services.settings.WEB_BASE_URL.replace(/\/$/, '')}/connectors`;
    const cookies = [clearFlowCookie(params.provider, services.settings.PUBLIC_BASE_URL)];
    const nonce = browserNonceOf(request.headers.get('cookie'), params.provider);
    let returnTo: string | undefined;
    try {
      ({ returnTo } = await services
        .connectorService()
        .completeAuthorization(params.provider, query, nonce, correlationId));
    } catch (err) {
      if (err instanceof ConnectFlowError)
        return { ...html(callbackPage(err.title, err.detail, connectorsUrl), err.status), cookies };
      throw err;
    }
    const back = returnTo ? `${services.settings.WEB_BASE_URL.replace(/\/$/, '')}${returnTo}` : connectorsUrl;
    const url = new URL(back);
    url.searchParams.set('connected', params.provider);
    return { ...redirect(url.toString()), cookies };
  },
});

export const checkConnector = httpRoute({
  name: 'checkConnector',
  method: 'POST',
  route: 'connectors/{connectorId}/check',
  summary: 'Tests a connection with one live call (renewing access when due) and returns its health',
  tags: ['connectors'],
  scope: 'connectors:read',
  params: z.object({ connectorId }),
  response: connectorView,
  async handler({ services, principal, params }) {
    const checked = await services.connectorService().check(principal.tenantId, params.connectorId);
    const [connector = checked] = await services.connectorService().withPermissions(principal.tenantId, [checked]);
    return ok(connector, { headers: { 'Cache-Control': 'no-store' } });
  },
});

export const deleteConnector = httpRoute({
  name: 'deleteConnector',
  method: 'DELETE',
  route: 'connectors/{connectorId}',
  summary: 'Disconnects an account: revokes access at the provider and deletes its tokens (If-Match honoured)',
  tags: ['connectors'],
  params: z.object({ connectorId }),
  successStatus: 204,
  async handler({ services, principal, params, ifMatch, correlationId }) {
    await services.connectorService().disconnect(principal.tenantId, params.connectorId, ifMatch, {
      actorId: principal.subject,
      source: 'web',
      correlationId,
    });
    return noContent();
  },
});
