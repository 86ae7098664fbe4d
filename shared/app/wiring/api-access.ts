import { loadSecretKey } from '../../api-access/secret-key';
import { createApiTokenService } from '../../api-access/token-service';
import { lazy } from '../../platform/lazy';
import type { Services } from '../services-type';

/** Personal access tokens and webhooks. */
export function wireApiAccess(root: Services): Pick<Services, 'apiTokens'> {
  const { settings, clock } = root;
  const tokenKey = lazy(() =>
    loadSecretKey({
      name: 'API_TOKEN_KEY',
      value: settings.API_TOKEN_KEY,
      file: settings.API_TOKEN_KEY_FILE,
      azure: settings.APP_ENV === 'azure',
    }),
  );
  return {
    apiTokens: lazy(() =>
      createApiTokenService({ store: root.cosmos(), clock, audit: root.audit, usage: root.usage, key: tokenKey }),
    ),
  };
}
