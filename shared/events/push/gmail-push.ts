import { z } from 'zod';
import { ValidationError } from '../../platform/errors';
import type { ChangeSignals } from '../change-signals';
import type { OrchestrationLauncher } from '../coalescer';
import type { PubSubTokenVerifier } from './pubsub-token';
import type { PushSubscriptionStore } from './subscription-store';

/** The body of a Pub/Sub push request. */
export const pubSubPushBody = z.object({
  message: z
    .object({
      /** Base64 of the publisher's payload; for Gmail, JSON `{ emailAddress, historyId }`. */
      data: z.string().max(10_000),
      messageId: z.string().min(1).max(200),
    })
    .loose(),
  subscription: z.string().max(500).optional(),
});
export type PubSubPushBody = z.infer<typeof pubSubPushBody>;

const gmailChange = z.object({
  emailAddress: z.string().min(3).max(320),
  historyId: z.union([z.string(), z.number()]).transform(String),
});

function decode(data: string) {
  try {
    const parsed = gmailChange.safeParse(JSON.parse(Buffer.from(data, 'base64').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  throw new ValidationError('The Pub/Sub message is not a Gmail change notice.', [
    { path: 'body.message.data', message: 'expected base64 JSON with emailAddress and historyId' },
  ]);
}

export interface GmailPushDeps {
  verify: PubSubTokenVerifier;
  subscriptions: PushSubscriptionStore;
  changes: Pick<ChangeSignals, 'signal'>;
}

/**
 * Handles a Pub/Sub push of a Gmail watch: verifies Google's token first (nothing else happens without it), then
 * signals a mail change for every connected account of that mailbox, keyed by the Pub/Sub message id so a
 * redelivery starts nothing twice.
 */
export async function handleGmailPush(
  deps: GmailPushDeps,
  authorization: string | null,
  body: PubSubPushBody,
  launcher: OrchestrationLauncher,
): Promise<{ signalled: number }> {
  await deps.verify(authorization);
  const change = decode(body.message.data);
  const watches = await deps.subscriptions.byChannel('google', change.emailAddress.toLowerCase());
  for (const watch of watches) {
    await deps.changes.signal(
      {
        tenantId: watch.tenantId,
        connectorId: watch.connectorId,
        source: 'mail',
        // Connector ids repeat across tenants that connected the same mailbox: the tenant is part of the key.
        dedupeKey: `gmail:${watch.tenantId}:${watch.connectorId}:${body.message.messageId}`,
        cursorHint: change.historyId,
      },
      launcher,
    );
  }
  return { signalled: watches.length };
}
