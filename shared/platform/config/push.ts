import { z } from 'zod';
import { intSetting, optionalSetting } from './env';

/**
 * Push notifications from providers (Gmail through Google Pub/Sub, Microsoft Graph change notifications). Push is
 * off while `PUSH_BASE_URL` is unset: changes are then found by polling only.
 */
export const pushSettings = z.object({
  /**
   * Public https origin providers post notifications to (the function app's own origin: a proxy in front that
   * replaces the Authorization header would drop the token Pub/Sub signs). Unset: no push subscriptions.
   */
  PUSH_BASE_URL: optionalSetting().pipe(z.string().url().optional()),
  /** Gmail: the Pub/Sub topic `users.watch` publishes to, `projects/<project>/topics/<topic>`. Unset: no Gmail push. */
  GMAIL_PUSH_TOPIC: optionalSetting().pipe(
    z
      .string()
      .regex(/^projects\/[^/]+\/topics\/[^/]+$/, 'projects/<project>/topics/<topic>')
      .optional(),
  ),
  /** Gmail: the audience the Pub/Sub push subscription puts in its OIDC token (as configured on the subscription). */
  GMAIL_PUSH_AUDIENCE: optionalSetting(),
  /** Gmail: the service account whose identity the push subscription signs with (`email` claim of the token). */
  GMAIL_PUSH_SERVICE_ACCOUNT: optionalSetting(),
  /** Where Google publishes the keys its OIDC tokens are signed with. */
  GOOGLE_PUSH_JWKS_URL: z.string().url().default('https://www.googleapis.com/oauth2/v3/certs'),
  /** Lifetime asked for a Graph subscription (Graph allows at most 4230 minutes for mail and events). */
  GRAPH_SUBSCRIPTION_MINUTES: intSetting(4200),
  /** Subscriptions and watches are renewed this long before they expire. */
  PUSH_RENEW_AHEAD_MINUTES: intSetting(720),
  /** Renewals in flight at once per timer tick. */
  PUSH_RENEW_CONCURRENCY: intSetting(4),
});
