import type {
  BacktestEventOf,
  BacktestEventType,
  SweepEventOf,
  SweepEventType,
} from '@hindsight/models';
import type { Redis } from 'ioredis';
import { redisKeys } from './keys.js';

/** What a worker publishes; `snapshot` is made by the api from the store. */
export type PublishedEventType = Exclude<BacktestEventType, 'snapshot'>;
type PublishedSweepEventType = Exclude<SweepEventType, 'snapshot'>;

const TERMINAL_EVENTS: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/**
 * Numbers, stores and announces one event atomically, so the stream and the channel can never
 * disagree on the order. The JSON is assembled here rather than with cjson, which would round
 * every number in `data` to 14 digits. `type`, `ts` and the id never hold a quote. A seq TTL of
 * 0 keeps the seq for good (see terminalTtlSeconds).
 */
const PUBLISH_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
local event = '{"type":"' .. ARGV[1] .. '","seq":' .. seq .. ',"ts":"' .. ARGV[2] .. '","data":' .. ARGV[3] .. '}'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '0-' .. seq, 'e', event)
if ARGV[8] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('EXPIRE', KEYS[1], ARGV[8]) end
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('PUBLISH', ARGV[5], '{"backtestId":"' .. ARGV[6] .. '","event":' .. event .. '}')
return seq
`;

/** The seq TTL that means: no expiry. */
const KEEP_SEQ = 0;

export interface EventPublisherOptions {
  /** Events kept per backtest for replay (approximately: Redis trims whole stream nodes). */
  maxStreamLength?: number;
  /** Lifetime of the events of a backtest that is still running, renewed by every event. */
  activeTtlSeconds?: number;
  /**
   * Lifetime of the events once the terminal event is published (default 30 s): long enough for
   * a client that lost its socket near the end to replay, short enough that Redis does not fill
   * up with finished runs (a stream costs ~5 kB; at 200 runs a second, 30 s keep ~30 MB). A later
   * client gets the final state from the api's snapshot instead. The seq counter (a few dozen
   * bytes) is kept until the backtest is deleted, so that snapshot and its terminal event carry
   * the terminal event's seq: a client resuming with `?after=` never sees seqs go backwards.
   */
  terminalTtlSeconds?: number;
}

type Publishing = Redis & {
  hindsightPublishEvent(
    seqKey: string,
    streamKey: string,
    type: string,
    ts: string,
    data: string,
    maxLength: number,
    channel: string,
    backtestId: string,
    ttlSeconds: number,
    seqTtlSeconds: number,
  ): Promise<number>;
};

/**
 * The worker side of the live channel: every event of a backtest gets the next `seq`, is kept
 * in a capped stream for replay and is published for every api process at once.
 */
export class BacktestEventPublisher {
  readonly #redis: Publishing;
  readonly #prefix: string;
  readonly #maxStreamLength: number;
  readonly #activeTtl: number;
  readonly #terminalTtl: number;

  constructor(connection: Redis, prefix: string, options: EventPublisherOptions = {}) {
    if (!('hindsightPublishEvent' in connection)) {
      connection.defineCommand('hindsightPublishEvent', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    }
    this.#redis = connection as Publishing;
    this.#prefix = prefix;
    this.#maxStreamLength = options.maxStreamLength ?? 1_000;
    this.#activeTtl = options.activeTtlSeconds ?? 24 * 3600;
    this.#terminalTtl = options.terminalTtlSeconds ?? 30;
  }

  publish<T extends PublishedEventType>(
    backtestId: string,
    type: T,
    data: BacktestEventOf<T>['data'],
  ): Promise<BacktestEventOf<T>> {
    return this.#publish(backtestId, type, data) as Promise<BacktestEventOf<T>>;
  }

  /**
   * A sweep's events share the backtests' stream, seq and channel (ids never collide), so one
   * hub serves both channels with the same replay and ordering guarantees.
   */
  publishSweep<T extends PublishedSweepEventType>(
    sweepId: string,
    type: T,
    data: SweepEventOf<T>['data'],
  ): Promise<SweepEventOf<T>> {
    return this.#publish(sweepId, type, data) as Promise<SweepEventOf<T>>;
  }

  async #publish(
    backtestId: string,
    type: string,
    data: unknown,
  ): Promise<{ type: string; seq: number; ts: string; data: unknown }> {
    const ts = new Date().toISOString();
    const terminal = TERMINAL_EVENTS.has(type);
    const seq = await this.#redis.hindsightPublishEvent(
      redisKeys.eventSeq(this.#prefix, backtestId),
      redisKeys.eventStream(this.#prefix, backtestId),
      type,
      ts,
      JSON.stringify(data),
      this.#maxStreamLength,
      redisKeys.eventsChannel(this.#prefix),
      backtestId,
      terminal ? this.#terminalTtl : this.#activeTtl,
      terminal ? KEEP_SEQ : this.#activeTtl,
    );
    return { type, seq, ts, data };
  }

  /**
   * Shortens the life of a backtest's events, e.g. when the api ends one without a worker; its
   * seq is kept, as after a terminal event.
   */
  async expireAfterTerminal(backtestId: string, seconds: number): Promise<void> {
    await this.#redis
      .multi()
      .persist(redisKeys.eventSeq(this.#prefix, backtestId))
      .expire(redisKeys.eventStream(this.#prefix, backtestId), seconds)
      .exec();
  }
}
