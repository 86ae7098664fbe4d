import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import type { Services } from '../../shared/app/services';
import type { PushSource } from '../../shared/connectors/push';
import { createPushSubscriptions } from '../../shared/events/push/push-subscriptions';
import { createPushSubscriptionStore } from '../../shared/events/push/subscription-store';

/** Google's side of Pub/Sub push, played locally: a JWKS endpoint and tokens signed with its key (or another). */
export interface FakeGoogleSigner {
  jwksUrl: string;
  sign(claims: JWTPayload, opts?: { key?: 'google' | 'stranger'; expired?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeGoogleSigner(): Promise<FakeGoogleSigner> {
  const google = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const kid = 'google-push-key';
  const jwk = { ...(await exportJWK(google.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/oauth2/v3/certs`,
    async sign(claims, opts = {}) {
      // A stranger's key under Google's key id: only the signature can tell them apart.
      const key = (opts.key === 'stranger' ? stranger : google).privateKey;
      const now = Math.floor(Date.now() / 1000);
      // Expired well beyond any clock skew allowance.
      const issuedAt = opts.expired ? now - 3 * 3600 : now;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + 3600)
        .sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts a push channel for the account as the app does, and returns the secret the provider was handed (Graph
 * echoes it as `clientState`; tests post notifications as Graph would, so they need it).
 */
export async function subscribeAsGraphWould(
  services: Services,
  tenantId: string,
  connectorId: string,
  source: PushSource,
): Promise<{ subscriptionId: string; clientState: string }> {
  let clientState = '';
  const hub = services.connectors();
  const subscriptions = createPushSubscriptions({
    settings: services.settings,
    clock: services.clock,
    store: createPushSubscriptionStore(services.cosmos()),
    audit: services.audit,
    // Only used to start the channel here; renewal is the app's.
    watching: async () => true,
    connectors: {
      get: (t, c) => hub.get(t, c),
      async push(t, c) {
        const provider = (await hub.push(t, c))!;
        return {
          ...provider,
          sources: provider.sources,
          start: (request) => {
            clientState = request.secret ?? '';
            return provider.start(request);
          },
        };
      },
    },
  });
  const subscription = await subscriptions.ensure(tenantId, connectorId, source);
  if (!subscription || subscription.state !== 'active') throw new Error('no active subscription');
  return { subscriptionId: subscription.channelId, clientState };
}

/** A Graph change notification for a new message, as Graph posts it. */
export function graphMessageNotification(subscriptionId: string, clientState: string, messageId: string) {
  return {
    value: [
      {
        subscriptionId,
        clientState,
        changeType: 'created',
        resource: `Users/demo/Messages/${messageId}`,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Message',
          '@odata.id': `Users/demo/Messages/${messageId}`,
          '@odata.etag': `W/"${messageId}-1"`,
          id: messageId,
        },
        subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        tenantId: '00000000-0000-0000-0000-000000000000',
      },
    ],
  };
}

/** A Pub/Sub push body carrying a Gmail change notice. */
export function pubSubPush(emailAddress: string, historyId: string, messageId: string) {
  return {
    message: {
      data: Buffer.from(JSON.stringify({ emailAddress, historyId })).toString('base64'),
      messageId,
      publishTime: new Date().toISOString(),
    },
    subscription: 'projects/demo/subscriptions/gmail-push',
  };
}
