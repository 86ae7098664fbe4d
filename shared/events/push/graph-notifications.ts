import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ForbiddenError } from '../../platform/errors';
import type { ChangeSignals } from '../change-signals';
import type { OrchestrationLauncher } from '../coalescer';
import type { PushSubscription, PushSubscriptionStore } from './subscription-store';

const notification = z
  .object({
    subscriptionId: z.string().min(1).max(200),
    clientState: z.string().max(256).optional(),
    changeType: z.string().max(100).optional(),
    resource: z.string().max(2000).optional(),
    resourceData: z
      .object({ id: z.string().max(500).optional(), '@odata.etag': z.string().max(500).optional() })
      .loose()
      .optional(),
    lifecycleEvent: z.string().max(100).optional(),
    subscriptionExpirationDateTime: z.string().max(100).optional(),
  })
  .loose();

/** The body Graph posts: change or lifecycle notifications, one or more per request. */
export const graphNotificationBody = z.object({ value: z.array(notification).min(1).max(1000) });
export type GraphNotificationBody = z.infer<typeof graphNotificationBody>;
type GraphNotification = z.infer<typeof notification>;

export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** Constant-time check of a notification's clientState against the subscription's stored hash. */
function secretMatches(sent: string | undefined, subscription: PushSubscription): boolean {
  if (sent === undefined || !subscription.secretHash) return false;
  return timingSafeEqual(hashSecret(sent), Buffer.from(subscription.secretHash, 'hex'));
}

/** What happens on Graph's lifecycle notifications. */
export interface GraphLifecycle {
  /** `reauthorizationRequired`: renew the subscription now. */
  reauthorize(subscription: PushSubscription): Promise<unknown>;
  /** `subscriptionRemoved`: start a new one. */
  restart(subscription: PushSubscription): Promise<unknown>;
}

export interface GraphNotificationDeps {
  subscriptions: PushSubscriptionStore;
  changes: Pick<ChangeSignals, 'signal'>;
  lifecycle: GraphLifecycle;
}

/**
 * Handles a Graph notification request. Every notification of a subscription we know must carry that
 * subscription's `clientState`, or the whole request is refused (403) before anything starts. Notifications of
 * subscriptions we no longer know are dropped. Changes go to the change sink with a key made of subscription,
 * resource, change and version, so Graph's redeliveries start nothing twice.
 */
export async function handleGraphNotifications(
  deps: GraphNotificationDeps,
  body: GraphNotificationBody,
  launcher: OrchestrationLauncher,
): Promise<{ accepted: number; ignored: number }> {
  const known: { item: GraphNotification; subscription: PushSubscription }[] = [];
  let ignored = 0;
  for (const item of body.value) {
    const [subscription] = await deps.subscriptions.byChannel('microsoft', item.subscriptionId);
    if (!subscription) {
      ignored++;
      continue;
    }
    if (!secretMatches(item.clientState, subscription))
      throw new ForbiddenError('The notification does not carry the subscription secret.');
    known.push({ item, subscription });
  }
  for (const { item, subscription } of known) {
    const { tenantId, connectorId, source } = subscription;
    if (item.lifecycleEvent === 'reauthorizationRequired') await deps.lifecycle.reauthorize(subscription);
    else if (item.lifecycleEvent === 'subscriptionRemoved') await deps.lifecycle.restart(subscription);
    else {
      // `missed`: Graph dropped notifications, so runs read everything since their watermarks (once per notice).
      const change =
        item.lifecycleEvent === 'missed'
          ? `missed:${item.subscriptionExpirationDateTime ?? ''}`
          : `${item.resource ?? ''}:${item.changeType ?? ''}:${item.resourceData?.['@odata.etag'] ?? ''}`;
      await deps.changes.signal(
        { tenantId, connectorId, source, dedupeKey: `graph:${item.subscriptionId}:${change}` },
        launcher,
      );
    }
  }
  return { accepted: known.length, ignored };
}
