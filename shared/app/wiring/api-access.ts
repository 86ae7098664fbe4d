import { loadSecretKey } from '../../api-access/secret-key';
import { createApiTokenService } from '../../api-access/token-service';
import { createSafeFetch } from '../../api-access/safe-fetch';
import { createSecretBox } from '../../api-access/secret-box';
import { createWebhookDelivery } from '../../api-access/webhook-delivery';
import { createWebhookService } from '../../api-access/webhook-service';
import { lazy } from '../../platform/lazy';
import type { Services } from '../services-type';

/** Personal access tokens and webhooks. */
export function wireApiAccess(root: Services): Pick<Services, 'apiTokens' | 'webhooks' | 'webhookDelivery'> {
  const { settings, clock } = root;
  const tokenKey = lazy(() =>
    loadSecretKey({
      name: 'API_TOKEN_KEY',
      value: settings.API_TOKEN_KEY,
      file: settings.API_TOKEN_KEY_FILE,
      azure: settings.APP_ENV === 'azure',
    }),
  );
  // Loopback receivers only with the local setting, and never in Azure.
  const allowLoopback = settings.WEBHOOK_ALLOW_LOOPBACK && settings.APP_ENV === 'local';
  // Webhook signing secrets are sealed with a key derived from the token key: one secret to keep in Key Vault.
  const secrets = lazy(() => createSecretBox(tokenKey, 'webhook-secrets'));
  const webhooks = lazy(() =>
    createWebhookService({ store: root.cosmos(), clock, audit: root.audit, usage: root.usage, secrets, allowLoopback }),
  );
  const safeFetch = lazy(() => createSafeFetch({ allowLoopback, timeoutMs: settings.WEBHOOK_TIMEOUT_MS }));
  return {
    webhooks,
    webhookDelivery: lazy(() =>
      createWebhookDelivery({
        clock,
        webhooks,
        fetch: safeFetch,
        notifier: root.notifier,
        suggestion: async (tenantId, suggestionId) => {
          const doc = await root
            .suggestions()
            .get(tenantId, suggestionId)
            .catch(() => undefined);
          return doc && { kind: doc.kind, status: doc.status, action: doc.preview.action };
        },
        links: { web: settings.WEB_BASE_URL.replace(/\/$/, ''), api: settings.PUBLIC_BASE_URL.replace(/\/$/, '') },
        retryFirstSeconds: settings.WEBHOOK_RETRY_FIRST_SECONDS,
        maxAttempts: settings.WEBHOOK_MAX_ATTEMPTS,
      }),
    ),
    apiTokens: lazy(() =>
      createApiTokenService({ store: root.cosmos(), clock, audit: root.audit, usage: root.usage, key: tokenKey }),
    ),
  };
}
