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
 * Numbers, stores and announces a batch of events of one backtest atomically, so the stream and
 * the channel can never disagree on the order: ARGV holds, after five settings, a `type`, `ts`,
 * `data` triple per event. One INCRBY numbers them all; the batch, a JSON array, is one stream
 * entry, whose id is its last seq (see BacktestEventHub.readStream), and one message. The JSON is assembled here rather than with cjson, which would round
 * every number in `data` to 14 digits. `type`, `ts` and the id never hold a quote. A seq TTL of
 * 0 keeps the seq for good (see terminalTtlSeconds) - and a seq kept for good means the terminal
 * event is out, so nothing is published after it (a batch that lost that race is dropped: 0).
 * A terminal batch needs no such check: only the writer whose store transition applied
 * publishes one.
 */
const PUBLISH_SCRIPT = `
if ARGV[5] ~= '0' and redis.call('TTL', KEYS[1]) == -1 then return 0 end
local n = (#ARGV - 5) / 3
local seq = redis.call('INCRBY', KEYS[1], n) - n
local events = {}
for i = 6, #ARGV, 3 do
  seq = seq + 1
  events[#events + 1] = '{"type":"' .. ARGV[i] .. '","seq":' .. seq .. ',"ts":"' .. ARGV[i + 1] .. '","data":' .. ARGV[i + 2] .. '}'
end
local batch = '[' .. table.concat(events, ',') .. ']'
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '0-' .. seq, 'e', batch)
if ARGV[5] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('EXPIRE', KEYS[1], ARGV[5]) end
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[2], '{"backtestId":"' .. ARGV[3] .. '","events":' .. batch .. '}')
return seq
`;

/** The seq TTL that means: no expiry. */
const KEEP_SEQ = 0;

export interface EventPublisherOptions {
  /**
   * Batches of events kept per backtest for replay (approximately: Redis trims whole stream
   * nodes); a batch holds one event or more.
   */
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
  /**
   * How long an event given to `enqueue` may wait for the next ones of its backtest (default 0:
   * written at once). A run that ends within it announces its whole life in one script call.
   */
  batchWindowMs?: number;
  /** Told of an enqueued batch that could not be written (no caller waits for it). */
  onError?: (error: unknown, backtestId: string) => void;
}

type Publishing = Redis & {
  hindsightPublishEvents(
    seqKey: string,
    streamKey: string,
    maxLength: number,
    channel: string,
    backtestId: string,
    ttlSeconds: number,
    seqTtlSeconds: number,
    ...events: string[]
  ): Promise<number>;
};

interface PendingEvent {
  type: string;
  ts: string;
  data: string;
}

interface Pending {
  events: PendingEvent[];
  /** performance.now() of the first event. */
  since: number;
  timer: NodeJS.Timeout;
}

/** A published event as its subscribers get it; seq 0 if it came after the terminal one. */
export interface PublishedEvent {
  type: string;
  seq: number;
  ts: string;
  data: unknown;
}

/**
 * The worker side of the live channel: every event of a backtest gets the next `seq`, is kept
 * in a capped stream for replay and is published for every api process at once. Events a run
 * emits close together can be batched (`enqueue`): they wait, up to `batchWindowMs`, for the
 * next event of their backtest, and go out with it in one script call - at the latest with the
 * terminal event, which is always written at once.
 */
export class BacktestEventPublisher {
  readonly #redis: Publishing;
  readonly #prefix: string;
  readonly #maxStreamLength: number;
  readonly #activeTtl: number;
  readonly #terminalTtl: number;
  readonly #batchWindowMs: number;
  readonly #onError: (error: unknown, backtestId: string) => void;
  readonly #pending = new Map<string, Pending>();

  constructor(connection: Redis, prefix: string, options: EventPublisherOptions = {}) {
    if (!('hindsightPublishEvents' in connection)) {
      connection.defineCommand('hindsightPublishEvents', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    }
    this.#redis = connection as Publishing;
    this.#prefix = prefix;
    this.#maxStreamLength = options.maxStreamLength ?? 1_000;
    this.#activeTtl = options.activeTtlSeconds ?? 24 * 3600;
    this.#terminalTtl = options.terminalTtlSeconds ?? 30;
    this.#batchWindowMs = options.batchWindowMs ?? 0;
    this.#onError = options.onError ?? (() => {});
  }

  /** Writes the event now, after the enqueued ones of its backtest, in the same script call. */
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

  /**
   * Queues a non-terminal event of the backtest: written with the next `publish` or `flush` of
   * it, or once the first queued event has waited `batchWindowMs` (checked here too, for a caller
   * whose synchronous loop keeps timers from running). Nobody waits for it: a failed write goes
   * to `onError`.
   */
  enqueue<T extends Exclude<PublishedEventType, 'completed' | 'failed' | 'cancelled'>>(
    backtestId: string,
    type: T,
    data: BacktestEventOf<T>['data'],
  ): void {
    const event = { type, ts: new Date().toISOString(), data: JSON.stringify(data) };
    const pending = this.#pending.get(backtestId);
    if (pending) {
      pending.events.push(event);
      if (performance.now() - pending.since >= this.#batchWindowMs) this.#flushQuietly(backtestId);
      return;
    }
    if (this.#batchWindowMs <= 0) {
      this.#write(backtestId, [event], false).catch((error) => this.#onError(error, backtestId));
      return;
    }
    const timer = setTimeout(() => this.#flushQuietly(backtestId), this.#batchWindowMs);
    timer.unref();
    this.#pending.set(backtestId, { events: [event], since: performance.now(), timer });
  }

  /** Writes the backtest's queued events now; the promise settles with their write. */
  async flush(backtestId: string): Promise<void> {
    const events = this.#take(backtestId);
    if (events.length > 0) await this.#write(backtestId, events, false);
  }

  /** Writes every queued event (a closing worker). */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.#pending.keys()].map((id) =>
        this.flush(id).catch((error) => this.#onError(error, id)),
      ),
    );
  }

  async #publish(backtestId: string, type: string, data: unknown): Promise<PublishedEvent> {
    const ts = new Date().toISOString();
    const events = [...this.#take(backtestId), { type, ts, data: JSON.stringify(data) }];
    const seq = await this.#write(backtestId, events, TERMINAL_EVENTS.has(type));
    return { type, seq, ts, data };
  }

  #take(backtestId: string): PendingEvent[] {
    const pending = this.#pending.get(backtestId);
    if (!pending) return [];
    clearTimeout(pending.timer);
    this.#pending.delete(backtestId);
    return pending.events;
  }

  #flushQuietly(backtestId: string): void {
    this.flush(backtestId).catch((error) => this.#onError(error, backtestId));
  }

  /** The seq of the last event written; 0 if the batch came after the terminal event. */
  #write(backtestId: string, events: PendingEvent[], terminal: boolean): Promise<number> {
    return this.#redis.hindsightPublishEvents(
      redisKeys.eventSeq(this.#prefix, backtestId),
      redisKeys.eventStream(this.#prefix, backtestId),
      this.#maxStreamLength,
      redisKeys.eventsChannel(this.#prefix),
      backtestId,
      terminal ? this.#terminalTtl : this.#activeTtl,
      terminal ? KEEP_SEQ : this.#activeTtl,
      ...events.flatMap((event) => [event.type, event.ts, event.data]),
    );
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
