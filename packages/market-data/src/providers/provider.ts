import type { Bars, Timeframe } from '@hindsight/engine';
import type { TimeRange } from '../time/ranges.js';

export interface FetchRequest {
  /** The name without its source (`IBM` for `alphavantage:IBM`), upper case. */
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Bars with from <= time < to. */
  readonly range: TimeRange;
  readonly signal?: AbortSignal;
}

/** Where bars of one source (the part before the colon in `source:NAME`) come from. */
export interface Provider {
  readonly source: string;
  /** The span to load when the caller names none. */
  defaultRange(timeframe: Timeframe, now: number): TimeRange;
  /** Valid bars (strictly increasing, OHLC consistent) within the range; an empty range is fine. */
  fetch(request: FetchRequest): Promise<Bars>;
  /**
   * Bars before this time will not change any more; the cache records coverage only up to here,
   * so a later request fetches the still-moving tail again.
   */
  settledBefore(timeframe: Timeframe, now: number): number;
}

/** The providers by source name. */
export type Providers = ReadonlyMap<string, Provider>;
