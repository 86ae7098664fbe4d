/**
 * The in-process Service Bus broker: queues, and topics whose subscriptions are the ones the app's
 * `serviceBusTrigger` functions listen on. Peek-lock delivery: a message is locked while a function runs, completed
 * when it succeeds, abandoned (and redelivered) when it throws, and dead-lettered once its delivery count reaches
 * the maximum (default 10, like Service Bus). Active and dead-lettered messages are kept in `<data>/broker/` so they
 * survive a restart; a message that was being handled when the runtime died is delivered again.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface IncomingMessage {
  messageId?: string;
  body: unknown;
  contentType?: string;
  subject?: string;
  correlationId?: string;
  applicationProperties?: Record<string, unknown>;
}

export interface BrokerMessage {
  messageId: string;
  body: unknown;
  contentType?: string;
  subject?: string;
  correlationId?: string;
  applicationProperties?: Record<string, unknown>;
  enqueuedTimeUtc: string;
  sequenceNumber: number;
  deliveryCount: number;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

/** A consumer: one function listening on one queue or topic subscription. */
export interface BrokerConsumer {
  functionName: string;
  /** Queue name, or `<topic>/subscriptions/<subscription>`. */
  entity: string;
  maxConcurrentCalls: number;
  handle(message: BrokerMessage): Promise<void>;
}

interface EntityState {
  active: BrokerMessage[];
  deadLetter: BrokerMessage[];
  /** Messages currently locked by a running function. */
  locked: Map<number, BrokerMessage>;
}

interface PersistedState {
  sequence: number;
  entities: Record<string, { active: BrokerMessage[]; deadLetter: BrokerMessage[] }>;
}

export interface BrokerOptions {
  dataDir: string;
  maxDeliveryCount: number;
  log(message: string): void;
}

export const subscriptionEntity = (topic: string, subscription: string) => `${topic}/subscriptions/${subscription}`;

export class Broker {
  readonly #entities = new Map<string, EntityState>();
  /** Topic name → its subscriptions' entity paths. */
  readonly #topics = new Map<string, string[]>();
  readonly #consumers = new Map<string, BrokerConsumer[]>();
  readonly #running = new Map<string, number>();
  readonly #file: string;
  readonly #warned = new Set<string>();
  #sequence = 0;
  #saveScheduled: Promise<void> | undefined;
  #started = false;
  #stopping = false;
  #inFlight = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];

  constructor(private readonly options: BrokerOptions) {
    const dir = join(options.dataDir, 'broker');
    mkdirSync(dir, { recursive: true });
    this.#file = join(dir, 'messages.json');
    this.#load();
  }

  #entity(path: string): EntityState {
    let state = this.#entities.get(path.toLowerCase());
    if (!state) {
      state = { active: [], deadLetter: [], locked: new Map() };
      this.#entities.set(path.toLowerCase(), state);
    }
    return state;
  }

  #load(): void {
    if (!existsSync(this.#file)) return;
    const saved = JSON.parse(readFileSync(this.#file, 'utf8')) as PersistedState;
    this.#sequence = saved.sequence ?? 0;
    for (const [path, entity] of Object.entries(saved.entities ?? {})) {
      const state = this.#entity(path);
      state.active.push(...entity.active);
      state.deadLetter.push(...entity.deadLetter);
    }
  }

  /**
   * Saves once for everything changed in this turn of the event loop; resolves when written. Changes are saved in
   * order, so a message accepted after this call is never lost while an earlier one is kept.
   */
  #save(): Promise<void> {
    this.#saveScheduled ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#saveScheduled = undefined;
        try {
          this.#write();
          resolve();
        } catch (err) {
          this.options.log(`Broker: could not save messages: ${(err as Error).message}`);
          reject(err);
        }
      });
    });
    return this.#saveScheduled;
  }

  #write(): void {
    const state: PersistedState = { sequence: this.#sequence, entities: {} };
    for (const [path, entity] of this.#entities) {
      // Locked messages are saved as active: if the runtime dies mid-delivery they are delivered again.
      const active = [...entity.locked.values(), ...entity.active].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
      if (active.length > 0 || entity.deadLetter.length > 0)
        state.entities[path] = { active, deadLetter: entity.deadLetter };
    }
    const tmp = `${this.#file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.#file);
  }

  /** Registers a consumer (before start). Its subscription, if any, becomes part of the topic. */
  addConsumer(consumer: BrokerConsumer, topic?: string): void {
    const key = consumer.entity.toLowerCase();
    const list = this.#consumers.get(key) ?? [];
    list.push(consumer);
    this.#consumers.set(key, list);
    this.#entity(key);
    if (topic) {
      const subs = this.#topics.get(topic.toLowerCase()) ?? [];
      if (!subs.includes(key)) subs.push(key);
      this.#topics.set(topic.toLowerCase(), subs);
    }
  }

  /** Starts delivering (persisted messages first). */
  start(): void {
    this.#started = true;
    for (const key of this.#entities.keys()) this.#pump(key);
  }

  /**
   * Sends messages to a queue or topic. A topic copies each message to every subscription; a name that is neither
   * a known queue nor a topic with subscriptions accepts and drops the messages (like a topic nobody subscribes to),
   * unless `kind` says it is a queue (a Service Bus queue output), which then keeps them.
   */
  publish(
    entityName: string,
    messages: IncomingMessage[],
    kind?: 'queue' | 'topic',
  ): { delivered: string[]; saved: Promise<void> } {
    const name = entityName.toLowerCase();
    const known = this.#consumers.has(name) || this.#entities.has(name);
    // A queue keeps its messages even with nobody listening yet; a topic without subscriptions drops them.
    const targets = this.#topics.get(name) ?? (known || kind === 'queue' ? [name] : []);
    if (targets.length === 0 && !this.#warned.has(name)) {
      this.#warned.add(name);
      this.options.log(`Broker: nothing listens on "${entityName}"; its messages are dropped.`);
    }
    const now = new Date().toISOString();
    for (const input of messages) {
      const messageId = input.messageId ?? randomUUID().replace(/-/g, '');
      for (const target of targets) {
        this.#entity(target).active.push({
          messageId,
          body: input.body,
          contentType: input.contentType,
          subject: input.subject,
          correlationId: input.correlationId,
          applicationProperties: input.applicationProperties,
          enqueuedTimeUtc: now,
          sequenceNumber: ++this.#sequence,
          deliveryCount: 0,
        });
      }
    }
    const saved = targets.length > 0 && messages.length > 0 ? this.#save() : Promise.resolve();
    for (const target of targets) this.#pump(target);
    return { delivered: targets, saved };
  }

  #pump(entityKey: string): void {
    if (!this.#started || this.#stopping) return;
    const consumers = this.#consumers.get(entityKey);
    if (!consumers) return;
    const entity = this.#entity(entityKey);
    let locked = 0;
    for (const consumer of consumers) {
      const runKey = `${consumer.functionName}|${entityKey}`;
      while (entity.active.length > 0 && (this.#running.get(runKey) ?? 0) < consumer.maxConcurrentCalls) {
        const message = entity.active.shift()!;
        message.deliveryCount += 1;
        locked++;
        entity.locked.set(message.sequenceNumber, message);
        this.#running.set(runKey, (this.#running.get(runKey) ?? 0) + 1);
        const delivery = this.#deliver(consumer, entityKey, entity, message).finally(() => {
          this.#running.set(runKey, (this.#running.get(runKey) ?? 1) - 1);
          this.#inFlight.delete(delivery);
          if (this.#inFlight.size === 0) this.#idleWaiters.splice(0).forEach((w) => w());
          this.#pump(entityKey);
        });
        this.#inFlight.add(delivery);
      }
    }
    // The delivery count is part of the lock (as in Service Bus): a restart must not reset it.
    if (locked > 0) void this.#save().catch(() => undefined);
  }

  async #deliver(
    consumer: BrokerConsumer,
    entityKey: string,
    entity: EntityState,
    message: BrokerMessage,
  ): Promise<void> {
    let failure: unknown;
    try {
      await consumer.handle({ ...message });
    } catch (err) {
      failure = err;
    }
    entity.locked.delete(message.sequenceNumber);
    if (failure === undefined) {
      void this.#save().catch(() => undefined); // completed
      return;
    }
    const reason = (failure as Error)?.message ?? String(failure);
    if (message.deliveryCount >= this.options.maxDeliveryCount) {
      message.deadLetterReason = 'MaxDeliveryCountExceeded';
      message.deadLetterErrorDescription =
        `Message could not be consumed after ${message.deliveryCount} delivery attempts. Last error: ${reason}`.slice(
          0,
          4096,
        );
      entity.deadLetter.push(message);
      this.options.log(
        `Broker: message ${message.messageId} on ${entityKey} dead-lettered after ${message.deliveryCount} deliveries.`,
      );
    } else {
      // Abandoned: back at the head of the entity, delivered again right away (as Service Bus does).
      entity.active.unshift(message);
    }
    void this.#save().catch(() => undefined);
  }

  /** Messages waiting on an entity (queue name or `<topic>/subscriptions/<sub>`). */
  peek(entity: string): BrokerMessage[] {
    const state = this.#entities.get(entity.toLowerCase());
    return state ? [...state.locked.values(), ...state.active].map((m) => ({ ...m })) : [];
  }

  deadLetters(entity: string): BrokerMessage[] {
    return (this.#entities.get(entity.toLowerCase())?.deadLetter ?? []).map((m) => ({ ...m }));
  }

  summary(): { entity: string; active: number; locked: number; deadLettered: number; consumers: string[] }[] {
    return [...this.#entities].map(([entity, s]) => ({
      entity,
      active: s.active.length,
      locked: s.locked.size,
      deadLettered: s.deadLetter.length,
      consumers: (this.#consumers.get(entity) ?? []).map((c) => c.functionName),
    }));
  }

  /** Stops delivering new messages, waits for running functions (up to `timeoutMs`), saves. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping = true;
    if (this.#inFlight.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.#idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    this.#write();
  }
}
