import type { Settings } from '../../platform/config';
import type { PushSource, PushChannel, PushProvider, PushRequest } from '../push';
import { vendorStatus } from '../provider-errors';
import { createGraphClient } from './graph-client';

/** What Graph watches for each source: new inbox mail, any calendar change, any change below the drive root. */
const RESOURCE: Record<PushSource, { resource: string; changeType: string }> = {
  mail: { resource: "me/mailFolders('Inbox')/messages", changeType: 'created' },
  calendar: { resource: 'me/events', changeType: 'created,updated,deleted' },
  // Drive items only support `updated`; it fires for anything that changes below the root.
  files: { resource: 'me/drive/root', changeType: 'updated' },
};

interface GraphSubscription {
  id: string;
  expirationDateTime: string;
}

const channelOf = (s: GraphSubscription): PushChannel => ({
  id: s.id,
  expiresAt: new Date(s.expirationDateTime).toISOString(),
});

/** Microsoft Graph change-notification subscriptions on messages, events and drive items. */
export async function createGraphSubscriptions(settings: Settings, fetchImpl: typeof fetch): Promise<PushProvider> {
  const client = await createGraphClient(settings, fetchImpl);
  return {
    sources: ['mail', 'calendar', 'files'],

    async start(request: PushRequest) {
      const { resource, changeType } = RESOURCE[request.source];
      const created = (await client.api('/subscriptions').post({
        changeType,
        resource,
        notificationUrl: request.address,
        ...(request.lifecycleAddress ? { lifecycleNotificationUrl: request.lifecycleAddress } : {}),
        clientState: request.secret,
        expirationDateTime: request.expiresAt,
        latestSupportedTlsVersion: 'v1_2',
      })) as GraphSubscription;
      return channelOf(created);
    },

    async renew(channelId: string, request: PushRequest) {
      const renewed = (await client
        .api(`/subscriptions/${encodeURIComponent(channelId)}`)
        .patch({ expirationDateTime: request.expiresAt })) as GraphSubscription;
      return channelOf(renewed);
    },

    async stop(channelId: string) {
      try {
        await client.api(`/subscriptions/${encodeURIComponent(channelId)}`).delete();
      } catch (err) {
        if (vendorStatus(err) !== 404) throw err;
      }
    },
  };
}
