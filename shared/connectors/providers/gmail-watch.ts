import type { Settings } from '../../platform/config';
import type { PushProvider, PushRequest } from '../push';
import { googleClientOptions } from './google-client';

/**
 * Gmail push: `users.watch` publishes inbox changes of the mailbox to a Pub/Sub topic. One watch per mailbox; calling
 * it again renews it. The channel id is the mailbox address, which is what Pub/Sub messages name.
 */
export async function createGmailWatch(
  settings: Settings,
  fetchImpl: typeof fetch,
  account: string,
): Promise<PushProvider> {
  const { gmail } = await import('@googleapis/gmail');
  const api = gmail({ version: 'v1', ...googleClientOptions(settings, fetchImpl) });

  const watch = async (request: PushRequest) => {
    const { data } = await api.users.watch({
      userId: 'me',
      requestBody: { topicName: request.address, labelIds: ['INBOX'], labelFilterBehavior: 'include' },
    });
    const expiresAt = data.expiration ? new Date(Number(data.expiration)).toISOString() : request.expiresAt;
    return { id: account.toLowerCase(), expiresAt };
  };

  return {
    sources: ['mail'],
    start: watch,
    renew: (_channelId, request) => watch(request),
    async stop() {
      await api.users.stop({ userId: 'me' });
    },
  };
}
