import type { ChangeSignals } from '../change-signals';
import type { OrchestrationLauncher } from '../coalescer';
import { handleGmailPush, type PubSubPushBody } from './gmail-push';
import { handleGraphNotifications, type GraphNotificationBody } from './graph-notifications';
import type { PubSubTokenVerifier } from './pubsub-token';
import type { PushSubscriptions } from './push-subscriptions';
import type { PushSubscriptionStore } from './subscription-store';

/**
 * The provider-facing endpoints' work: verify, find the connected account, hand the change to the change seam
 * (`changeSignals().signal`), which starts the runs with `launcher`.
 */
export interface PushReceivers {
  /** Graph change and lifecycle notifications; ForbiddenError when a clientState does not match (nothing starts). */
  graph(body: GraphNotificationBody, launcher: OrchestrationLauncher): Promise<{ accepted: number; ignored: number }>;
  /** A Pub/Sub push of a Gmail watch; UnauthorizedError / ForbiddenError when Google's token does not check out. */
  gmail(
    authorization: string | null,
    body: PubSubPushBody,
    launcher: OrchestrationLauncher,
  ): Promise<{ signalled: number }>;
}

export interface PushReceiverDeps {
  store: PushSubscriptionStore;
  subscriptions: () => PushSubscriptions;
  changes: () => Pick<ChangeSignals, 'signal'>;
  /** Checks Pub/Sub's OIDC token; refuses everything when Gmail push is not configured. */
  verifyPubSub: PubSubTokenVerifier;
}

export function createPushReceivers(deps: PushReceiverDeps): PushReceivers {
  const changes: Pick<ChangeSignals, 'signal'> = {
    signal: (change, launcher) => deps.changes().signal(change, launcher),
  };
  return {
    graph: (body, launcher) =>
      handleGraphNotifications(
        {
          subscriptions: deps.store,
          changes,
          lifecycle: {
            reauthorize: (subscription) => deps.subscriptions().renew(subscription),
            restart: (subscription) => deps.subscriptions().restart(subscription),
          },
        },
        body,
        launcher,
      ),
    gmail: (authorization, body, launcher) =>
      handleGmailPush({ verify: deps.verifyPubSub, subscriptions: deps.store, changes }, authorization, body, launcher),
  };
}
