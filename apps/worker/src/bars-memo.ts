import type { Bars } from '@hindsight/engine';

/** A series version as the market-data cache numbers it; null when the series is not cached. */
export type SeriesVersion = number | null;

/**
 * The bars of recent requests, each with the cache version it was read from. A version of a
 * series never changes once published, so equal versions mean equal bars: a repeated request
 * costs a directory listing instead of a Parquet read, a copy and a quality report. Bounded, least
 * recently used first out. Callers treat the bars as read-only (the engine never writes them).
 */
export class BarsMemo {
  readonly #entries = new Map<string, { version: number; bars: Bars }>();

  constructor(private readonly capacity = 32) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(`a bars memo holds at least one entry, not ${capacity}`);
    }
  }

  /** The bars remembered for `key` if they were read from `version`; forgets stale ones. */
  get(key: string, version: SeriesVersion): Bars | null {
    const entry = this.#entries.get(key);
    if (!entry) return null;
    this.#entries.delete(key);
    if (entry.version !== version) return null;
    this.#entries.set(key, entry);
    return entry.bars;
  }

  set(key: string, version: number, bars: Bars): void {
    this.#entries.delete(key);
    this.#entries.set(key, { version, bars });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
