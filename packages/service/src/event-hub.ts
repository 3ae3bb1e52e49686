import type { BacktestEvent, SweepEvent } from '@hindsight/models';
import type { Redis } from 'ioredis';
import { redisKeys } from './keys.js';

/** Any event of the live channel: a backtest's or a sweep's (see BacktestEventPublisher). */
type LiveEvent = BacktestEvent | SweepEvent;
type LiveEventListener = (event: LiveEvent) => void;

export interface EventHubOptions {
  /** Called when a listener throws or a replay read fails; the hub carries on. */
  onError?: (error: unknown) => void;
}

/** The prefix of every message on the events channel (see BacktestEventPublisher). */
const MESSAGE_HEAD = '{"backtestId":"';

type StreamEntries = Array<[id: string, fields: string[]]>;

/**
 * One subscriber of one backtest. Events reach it from two sources that overlap - the stream
 * (replay, gap filling) and the channel (live) - and it passes each seq on exactly once, in order.
 */
class Subscription {
  #last: number;
  /** Work queued behind a replay; while non-zero, live events wait their turn. */
  #pending = 0;
  #chain: Promise<void> = Promise.resolve();
  closed = false;

  constructor(
    private readonly hub: BacktestEventHub,
    readonly backtestId: string,
    afterSeq: number,
    private readonly listener: LiveEventListener,
  ) {
    this.#last = afterSeq;
  }

  /** Replays everything stored after the last delivered seq (all of it when `upTo` is unset). */
  catchUp(upTo?: number): Promise<void> {
    return this.#enqueue(async () => {
      if (upTo !== undefined && upTo <= this.#last) return;
      for (const event of await this.hub.readStream<LiveEvent>(
        this.backtestId,
        this.#last + 1,
        upTo,
      )) {
        this.#deliver(event);
      }
    });
  }

  offer(event: LiveEvent): void {
    if (this.#pending === 0 && event.seq === this.#last + 1) {
      this.#deliver(event);
      return;
    }
    this.#enqueue(async () => {
      // A gap means the channel lost messages (a reconnect): the stream still has them.
      if (event.seq > this.#last + 1) {
        for (const missed of await this.hub.readStream<LiveEvent>(
          this.backtestId,
          this.#last + 1,
          event.seq - 1,
        )) {
          this.#deliver(missed);
        }
      }
      this.#deliver(event);
    }).catch((error) => this.hub.reportError(error));
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#pending++;
    const run = this.#chain.then(task).finally(() => {
      this.#pending--;
    });
    // The chain must survive a failed task, or every later event would be dropped.
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #deliver(event: LiveEvent): void {
    if (this.closed || event.seq <= this.#last) return;
    this.#last = event.seq;
    try {
      this.listener(event);
    } catch (error) {
      this.hub.reportError(error);
    }
  }
}

/**
 * The api side of the live channel: ONE subscriber connection for the whole process, fanning
 * the events channel out to the WebSockets of this process.
 */
export class BacktestEventHub {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #onError: (error: unknown) => void;
  readonly #subscriptions = new Map<string, Set<Subscription>>();
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;
  #closed = false;

  /** `connection` serves the reads; a duplicate of it becomes the subscriber. */
  constructor(connection: Redis, prefix: string, options: EventHubOptions = {}) {
    this.#redis = connection;
    this.#prefix = prefix;
    this.#onError = options.onError ?? (() => {});
  }

  /**
   * Calls `listener` with every event of the backtest whose seq is greater than `afterSeq`,
   * exactly once and in order: first what the stream holds, then live events. Resolves, once the
   * replay is delivered, to the function that ends the subscription.
   */
  async subscribe<E extends LiveEvent = BacktestEvent>(
    backtestId: string,
    afterSeq: number,
    listener: (event: E) => void,
  ): Promise<() => void> {
    if (this.#closed) throw new Error('the event hub is closed');
    await this.#ensureSubscribed();
    const subscription = new Subscription(
      this,
      backtestId,
      afterSeq,
      listener as LiveEventListener,
    );
    let set = this.#subscriptions.get(backtestId);
    if (!set) {
      set = new Set();
      this.#subscriptions.set(backtestId, set);
    }
    set.add(subscription);
    const unsubscribe = () => {
      subscription.closed = true;
      const current = this.#subscriptions.get(backtestId);
      current?.delete(subscription);
      if (current?.size === 0) this.#subscriptions.delete(backtestId);
    };
    // Registered before the replay is read: whatever is published meanwhile arrives live and
    // the subscription drops the copies the replay already delivered.
    try {
      await subscription.catchUp();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  /** The seq of the backtest's latest event; 0 if it has none (or they expired). */
  async lastSeq(backtestId: string): Promise<number> {
    const value = await this.#redis.get(redisKeys.eventSeq(this.#prefix, backtestId));
    return value === null ? 0 : Number(value);
  }

  /** Subscribers in this process, for metrics and tests. */
  get subscriberCount(): number {
    let count = 0;
    for (const set of this.#subscriptions.values()) count += set.size;
    return count;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const set of this.#subscriptions.values()) {
      for (const subscription of set) subscription.closed = true;
    }
    this.#subscriptions.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /**
   * @internal The stored events with seq in [from, to] (to the end when `to` is unset). An entry
   * is a batch of events (a JSON array; a single event object in streams written before
   * batches) under the id `0-<its last seq>`, so the first entry at or after `0-<from>` holds
   * `from`, and at most `to - from + 1` entries hold the rest.
   */
  async readStream<E extends LiveEvent = BacktestEvent>(
    backtestId: string,
    from: number,
    to?: number,
  ): Promise<E[]> {
    const key = redisKeys.eventStream(this.#prefix, backtestId);
    const entries = (
      to === undefined
        ? await this.#redis.xrange(key, `0-${from}`, '+')
        : await this.#redis.xrange(key, `0-${from}`, '+', 'COUNT', Math.max(1, to - from + 1))
    ) as StreamEntries;
    const events: E[] = [];
    for (const [, fields] of entries) {
      const stored = JSON.parse(fields[1]!) as E | E[];
      for (const event of Array.isArray(stored) ? stored : [stored]) {
        if (event.seq >= from && (to === undefined || event.seq <= to)) events.push(event);
      }
    }
    return events;
  }

  /** @internal */
  reportError(error: unknown): void {
    this.#onError(error);
  }

  #ensureSubscribed(): Promise<void> {
    if (this.#subscribed) return this.#subscribed;
    const subscriber = this.#redis.duplicate();
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.#dispatch(message));
    // Messages published while the connection was down are lost; the stream still has them.
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) this.#catchUpAll();
      connectedBefore = true;
    });
    subscriber.on('error', (error) => this.#onError(error));
    this.#subscribed = subscriber
      .subscribe(redisKeys.eventsChannel(this.#prefix))
      .then(() => undefined);
    this.#subscribed.catch(() => {
      this.#subscribed = undefined;
    });
    return this.#subscribed;
  }

  #dispatch(message: string): void {
    if (!message.startsWith(MESSAGE_HEAD)) return;
    const backtestId = message.slice(
      MESSAGE_HEAD.length,
      message.indexOf('"', MESSAGE_HEAD.length),
    );
    const set = this.#subscriptions.get(backtestId);
    if (!set || set.size === 0) return;
    let events: LiveEvent[];
    try {
      events = (JSON.parse(message) as { events: LiveEvent[] }).events;
    } catch (error) {
      this.#onError(error);
      return;
    }
    for (const event of events) {
      for (const subscription of set) subscription.offer(event);
    }
  }

  #catchUpAll(): void {
    for (const set of this.#subscriptions.values()) {
      for (const subscription of set) {
        subscription.catchUp().catch((error) => this.#onError(error));
      }
    }
  }
}
