import { sourceOf } from '../../events/event-kinds';
import { createPubSubTokenVerifier, type PubSubTokenVerifier } from '../../events/push/pubsub-token';
import { createPushReceivers } from '../../events/push/receivers';
import { createPushSubscriptions } from '../../events/push/push-subscriptions';
import { createPushSubscriptionStore } from '../../events/push/subscription-store';
import { ForbiddenError } from '../../platform/errors';
import { lazy } from '../../platform/lazy';
import type { Services } from '../services-type';

/** Provider push: subscriptions and watches, their renewal, and the endpoints providers post to. */
export function wirePush(root: Services): Pick<Services, 'pushSubscriptions' | 'pushReceivers'> {
  const { settings, clock } = root;
  const store = lazy(() => createPushSubscriptionStore(root.cosmos()));
  const pushSubscriptions = lazy(() =>
    createPushSubscriptions({
      settings,
      clock,
      store: store(),
      connectors: root.connectors(),
      audit: root.audit,
      watching: async (tenantId, source) =>
        (await root.triggers().ofTenant(tenantId)).some((entry) =>
          entry.triggers.some((t) => sourceOf(t.on) === source),
        ),
    }),
  );
  const { GMAIL_PUSH_AUDIENCE: audience, GMAIL_PUSH_SERVICE_ACCOUNT: serviceAccount } = settings;
  const verifyPubSub: PubSubTokenVerifier =
    audience && serviceAccount
      ? createPubSubTokenVerifier({
          audience,
          serviceAccount,
          jwksUrl: settings.GOOGLE_PUSH_JWKS_URL,
          clockSkewSeconds: settings.AUTH_CLOCK_SKEW_SECONDS,
        })
      : async () => {
          throw new ForbiddenError('Gmail push notifications are not configured.');
        };
  return {
    pushSubscriptions,
    pushReceivers: lazy(() =>
      createPushReceivers({
        store: store(),
        subscriptions: pushSubscriptions,
        changes: root.changeSignals,
        verifyPubSub,
      }),
    ),
  };
}
