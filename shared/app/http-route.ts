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
    authenticate: (request) => services.authenticator().authenticate(request.headers.get(settings.AUTH_TOKEN_HEADER)),
    maxBodyBytes: settings.HTTP_MAX_BODY_BYTES,
    checkResponses: settings.APP_ENV === 'local',
    rateLimiter: services.rateLimiter(),
  };
});
