import { createHttpRoute } from '../platform/http/route';
import { getServices, type Services } from './services';

/**
 * Registers an HTTP function (see `createHttpRoute` in shared/platform/http/route.ts): handlers get this process's
 * services, callers are authenticated by the app's authenticator, and the body limit comes from the settings.
 */
export const httpRoute = createHttpRoute<Services>(() => {
  const services = getServices();
  const { settings } = services;
  return {
    services,
    authenticate: (request) => {
      // A personal access token may come in Authorization (scripts calling the app directly) or in the header the web
      // app uses behind Static Web Apps; anything else is the person's sign-in.
      const header = request.headers.get(settings.AUTH_TOKEN_HEADER);
      const tokens = services.apiTokens();
      const accessToken = [header, request.headers.get('authorization')].find((h) => tokens.isAccessToken(h));
      return accessToken ? tokens.authenticate(accessToken) : services.authenticator().authenticate(header);
    },
    maxBodyBytes: settings.HTTP_MAX_BODY_BYTES,
    checkResponses: settings.APP_ENV === 'local',
    rateLimiter: services.rateLimiter(),
  };
});
