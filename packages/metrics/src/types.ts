import type { Conventions, Trade } from '@hindsight/engine';

export interface StatsInput {
  /** Bar timestamps: UTC epoch milliseconds, finite and strictly increasing. */
  time: Float64Array;
  /** Equity at each bar's close (cash + marked-to-market positions), same length as `time`. */
  equity: Float64Array;
  /** The benchmark's closes (for one symbol, its close), same length as `time`, all > 0. */
  close: Float64Array;
  /** Closed trades, in order of exit. */
  trades: readonly Trade[];
  /** Trades still open after the last bar. */
  openTrades: readonly Trade[];
  /** First bar the strategy could decide on minus one; buy-and-hold is measured from here. */
  warmup: number;
  conventions: Conventions;
}
