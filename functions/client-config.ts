import { httpRoute } from '../shared/app/http-route';
import { ok } from '../shared/platform/http/responses';
import { clientConfigResponse, type ClientConfig } from '../shared/platform/http/client-config-view';

/** Everything the web app needs to sign in and reach the API, from the app settings (nothing secret). */
export const getClientConfig = httpRoute({
  name: 'getClientConfig',
  method: 'GET',
  route: 'client-config',
  auth: 'none',
  summary: "The web app's sign-in and API settings",
  tags: ['web'],
  response: clientConfigResponse,
  async handler({ services }) {
    const { AUTH_ISSUER, AUTH_SPA_CLIENT_ID, AUTH_API_SCOPE, AUTH_TOKEN_HEADER, PUBLIC_BASE_URL, WEB_BASE_URL } =
      services.settings;
    const sameOrigin = new URL(PUBLIC_BASE_URL).origin === new URL(WEB_BASE_URL).origin;
    const body: ClientConfig = {
      authority: AUTH_ISSUER,
      clientId: AUTH_SPA_CLIENT_ID,
      scopes: AUTH_API_SCOPE,
      apiBase: sameOrigin ? '/api' : `${PUBLIC_BASE_URL.replace(/\/$/, '')}/api`,
      tokenHeader: AUTH_TOKEN_HEADER,
    };
    return ok(body, { headers: { 'Cache-Control': 'no-cache' } });
  },
});
