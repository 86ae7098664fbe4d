import { buildOpenApiDocument } from '../shared/platform/http/openapi';
import { httpRoute } from '../shared/app/http-route';

let cached: string | undefined;

export const getOpenApi = httpRoute({
  name: 'getOpenApi',
  method: 'GET',
  route: 'openapi.json',
  auth: 'none',
  summary: 'This API as an OpenAPI 3.1 document',
  tags: ['docs'],
  produces: 'application/json',
  async handler({ services }) {
    // Every route is registered at start-up, so the document never changes while the app runs.
    cached ??= JSON.stringify(
      buildOpenApiDocument({
        title: 'Personal Agents API',
        version: '1',
        serverUrl: services.settings.PUBLIC_BASE_URL.replace(/\/$/, ''),
        issuer: services.settings.AUTH_ISSUER,
      }),
    );
    return {
      status: 200,
      raw: cached,
      contentType: 'application/json',
      headers: { 'Cache-Control': 'public, max-age=300' },
    };
  },
});
