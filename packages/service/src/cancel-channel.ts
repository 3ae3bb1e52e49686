import type { Redis } from 'ioredis';
import { redisKeys } from './keys.js';

export type CancelListener = (backtestId: string) => void;

export interface CancelChannelOptions {
  /** How long a cancel request stays visible to a worker that starts the backtest later. */
  requestTtlSeconds?: number;
}

/**
 * Cancel requests across processes. The api calls `requestCancel` for a running backtest; every
 * worker hears it through `onCancel` and the one holding the job aborts it. A worker that picks
 * the job up after the message went by finds the request with `isCancelRequested`.
 */
export class CancelChannel {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #requestTtl: number;
  readonly #listeners = new Set<CancelListener>();
  #subscriber: Redis | undefined;
  #subscribed: Promise<void> | undefined;

  /** `connection` publishes; a duplicate of it subscribes, once `onCancel` is first called. */
  constructor(connection: Redis, prefix: string, options: CancelChannelOptions = {}) {
    this.#redis = connection;
    this.#prefix = prefix;
    this.#requestTtl = options.requestTtlSeconds ?? 3600;
  }

  /** Records the request and announces it; resolves to the number of processes that heard it. */
  async requestCancel(backtestId: string): Promise<number> {
    const results = await this.#redis
      .multi()
      .set(redisKeys.cancelFlag(this.#prefix, backtestId), '1', 'EX', this.#requestTtl)
      .publish(redisKeys.cancelChannel(this.#prefix), backtestId)
      .exec();
    const published = results?.[1];
    if (!published || published[0]) throw published?.[0] ?? new Error('cancel request failed');
    return published[1] as number;
  }

  async isCancelRequested(backtestId: string): Promise<boolean> {
    return (await this.#redis.exists(redisKeys.cancelFlag(this.#prefix, backtestId))) === 1;
  }

  /** Calls `listener` with the id of every backtest a cancel is requested for, from now on. */
  async onCancel(listener: CancelListener): Promise<() => void> {
    this.#listeners.add(listener);
    try {
      await this.#ensureSubscribed();
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  #ensureSubscribed(): Promise<void> {
    if (this.#subscribed) return this.#subscribed;
    const subscriber = this.#redis.duplicate();
    this.#subscriber = subscriber;
    subscriber.on('message', (_channel: string, backtestId: string) => {
      for (const listener of this.#listeners) listener(backtestId);
    });
    // Errors surface through the commands; an unhandled 'error' event would crash the process.
    subscriber.on('error', () => {});
    this.#subscribed = subscriber
      .subscribe(redisKeys.cancelChannel(this.#prefix))
      .then(() => undefined);
    return this.#subscribed;
  }
}
