import { httpRoute } from '../shared/app/http-route';
import { durableStarter } from '../shared/orchestration/durable-starter';
import { pubSubPushBody } from '../shared/events/push/gmail-push';
import { noContent } from '../shared/platform/http/responses';

/**
 * The Pub/Sub push subscription of the Gmail topic posts here. Never signed in: the request carries an OIDC token
 * Google signs for the configured service account and audience, checked before anything else happens.
 */
export const receiveGmailPush = httpRoute({
  name: 'receiveGmailPush',
  method: 'POST',
  route: 'hooks/gmail',
  summary: 'Gmail change notices pushed by Google Pub/Sub (authenticated by a Google-signed OIDC token)',
  tags: ['push'],
  auth: 'none',
  durable: true,
  body: pubSubPushBody,
  successStatus: 204,
  async handler({ services, request, body, durableClient }) {
    await services.pushReceivers().gmail(request.headers.get('authorization'), body, durableStarter(durableClient()));
    return noContent();
  },
});
