/**
 * The push contract: asking a provider to tell us when a source changes. Vendor shapes stay in the provider files
 * (`providers/graph-subscriptions.ts`, `providers/gmail-watch.ts`); callers see channels only.
 */

/** A source (connector family) a connected account can push changes of; notes are always polled. */
export type PushSource = 'mail' | 'calendar' | 'files';

export interface PushRequest {
  source: PushSource;
  /**
   * Where the provider sends notifications: our https endpoint (Graph) or the Pub/Sub topic name (Gmail publishes
   * to a topic whose push subscription calls our endpoint).
   */
  address: string;
  /** Where Graph sends lifecycle notifications (reauthorization required, removed, missed). */
  lifecycleAddress?: string;
  /** Secret the provider echoes on every notification (Graph `clientState`); Gmail's are signed by Google instead. */
  secret?: string;
  /** The expiry asked for; the provider may grant a shorter one. */
  expiresAt: string;
}

/** A live push channel at the provider. */
export interface PushChannel {
  /** The provider's id of the channel (Graph subscription id; the mailbox address for a Gmail watch). */
  id: string;
  /** When the provider stops sending unless renewed. */
  expiresAt: string;
}

export interface PushProvider {
  /** Which sources this account can push (others are polled). */
  readonly sources: readonly PushSource[];
  start(request: PushRequest): Promise<PushChannel>;
  /** Extends a channel; NotFoundError when the provider no longer knows it (then start a new one). */
  renew(channelId: string, request: PushRequest): Promise<PushChannel>;
  /** Stops a channel; a channel the provider no longer knows is not an error. */
  stop(channelId: string): Promise<void>;
}
