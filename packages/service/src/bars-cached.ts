import type { Redis } from 'ioredis';
import { redisKeys } from './keys.js';
import { RecentKeys } from './recent-keys.js';

/** The bars one backtest needs of one symbol (the shape of a `load-bars` payload). */
export interface BarsRange {
  symbol: string;
  timeframe: string;
  start: string;
  end: string;
}

/**
 * How long a worker's word that bars are cached holds. The word is a hint, never a promise: a
 * simulation loads its bars through the cache, which fetches whatever is missing, so a stale
 * hint costs a fetch inside the simulation, not a wrong result.
 */
export const BARS_CACHED_TTL_SECONDS = 3600;

/**
 * How long a process trusts, without asking Redis, a range it found marked: far less than the
 * mark's own life, and a stale hint costs only a fetch (above).
 */
const REMEMBERED_MS = 60_000;

/**
 * Remembers which ranges of bars the market-data cache already holds, so a submit whose bars
 * are all cached can skip the data and indicators jobs (see `enqueueBacktest`).
 */
export class BarsCachedHints {
  readonly #known = new RecentKeys(REMEMBERED_MS);

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  #key(range: BarsRange): string {
    return redisKeys.barsCached(this.prefix, range.symbol, range.timeframe, range.start, range.end);
  }

  /** Called by the worker once the range is in the cache. */
  async mark(range: BarsRange): Promise<void> {
    await this.redis.set(this.#key(range), '1', 'EX', BARS_CACHED_TTL_SECONDS);
  }

  /**
   * True when every symbol's range was marked within the TTL. One round trip, or none when this
   * process found them all marked within the last minute (a submit of a popular range).
   */
  async allCached(config: {
    symbols: readonly string[];
    timeframe: string;
    start: string;
    end: string;
  }): Promise<boolean> {
    const keys = config.symbols.map((symbol) => this.#key({ ...config, symbol }));
    if (keys.length === 0) return false;
    if (keys.every((key) => this.#known.has(key))) return true;
    const cached = (await this.redis.exists(...keys)) === keys.length;
    if (cached) this.#known.add(...keys);
    return cached;
  }
}
