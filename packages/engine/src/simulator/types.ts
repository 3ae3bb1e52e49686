import type { Bars } from '../bars.js';
import type { Signals } from '../signals.js';

/**
 * `backtesting.py` reproduces backtesting.py 0.6.6 exactly (see docs/conventions.md and
 * docs/statistics.md); `hindsight` is the default profile.
 */
export const CONVENTIONS = ['hindsight', 'backtesting.py'] as const;
export type Conventions = (typeof CONVENTIONS)[number];

/** The exact release the `backtesting.py` profile reproduces, as results name it. */
export const BACKTESTING_PY_RELEASE = 'backtesting.py@0.6.6';

/** next_open: an order decided on bar i fills at bar i+1's open. close: at bar i's close. */
export const FILL_MODES = ['next_open', 'close'] as const;
export type FillMode = (typeof FILL_MODES)[number];

export type Sizing =
  /** A fraction (0, 1] of available equity per entry, in whole or fractional units. */
  | { mode: 'fraction'; fraction: number; wholeUnits: boolean }
  /** A fixed number of units per entry. */
  | { mode: 'quantity'; quantity: number };

/**
 * The commission of a run whose caller names none: 10 bps, in the api and the CLI alike, so one
 * backtest gives one result whichever way it was started.
 */
export const DEFAULT_COMMISSION = 0.001;

export interface SimulationConfig {
  cash: number;
  /** Fraction of notional charged on each fill, e.g. 0.001 = 10 bps. */
  commission: number;
  /** Fixed fee in cash per filled order. */
  commissionFixed: number;
  /** Adverse price move applied to each fill, in basis points. */
  slippageBps: number;
  sizing: Sizing;
  fill: FillMode;
  /** Close open trades after the last bar (true) or leave them open and unrealised (false). */
  finalizeTrades: boolean;
  /** Close a trade once it loses this percentage from its entry price (null: no stop). */
  stopLossPct: number | null;
  /** Close a trade once it gains this percentage from its entry price (null: no target). */
  takeProfitPct: number | null;
  conventions: Conventions;
}

/**
 * A run's settings where its caller names none: the api's request schema and the CLI take their
 * defaults from here, so one home says what an unspecified run does.
 */
export const DEFAULT_SIMULATION_CONFIG: Readonly<SimulationConfig> = Object.freeze({
  cash: 100_000,
  commission: DEFAULT_COMMISSION,
  commissionFixed: 0,
  slippageBps: 0,
  sizing: Object.freeze({ mode: 'fraction', fraction: 1, wholeUnits: true }),
  fill: 'next_open',
  finalizeTrades: false,
  stopLossPct: null,
  takeProfitPct: null,
  conventions: 'hindsight',
});

/** The default settings with `overrides` on top. */
export function simulationConfig(overrides: Partial<SimulationConfig> = {}): SimulationConfig {
  return {
    ...DEFAULT_SIMULATION_CONFIG,
    sizing: { ...DEFAULT_SIMULATION_CONFIG.sizing },
    ...overrides,
  };
}

export interface SymbolInput {
  symbol: string;
  bars: Bars;
  signals: Signals;
  /** Share of the portfolio this symbol may use; weights of all symbols sum to 1. */
  weight: number;
}

/**
 * Why a trade closed. `end_of_data` also labels a trade still open after the last bar;
 * `out_of_money`: equity fell to zero or below at a bar's close and every trade was liquidated there.
 */
export const EXIT_REASONS = [
  'signal',
  'stop_loss',
  'take_profit',
  'end_of_data',
  'out_of_money',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export interface Trade {
  symbol: string;
  /** Positive for long, negative for short, in units. */
  size: number;
  entryBar: number;
  /** For a trade still open at the end: the last bar. */
  exitBar: number;
  /** UTC epoch milliseconds. */
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  /** For a trade still open at the end: the last close (unrealised). */
  exitPrice: number;
  /** Net of commission. */
  pnl: number;
  /** Entry fee plus exit fee, in cash. */
  commission: number;
  /**
   * A percent, like every `*Pct` of hindsight: ((exit / entry - 1) * sign - commission / |size *
   * entry|) x100, so 5 = 5 % (backtesting.py's ReturnPct is the fraction, 0.05).
   */
  returnPct: number;
  exitReason: ExitReason;
}

export interface SimulationProgress {
  barsProcessed: number;
  totalBars: number;
  equity: number;
}

/**
 * The bar loop's whole state between two bars: what a run needs to go on from `nextBar` and end
 * bit for bit where an uninterrupted run ends. Indicators and signals are not in it (they are a
 * pure function of the bars, computed again or read from the indicators step's files), nor any
 * statistic (they are computed from the equity series after the loop).
 */
export interface SimulationCheckpoint {
  /** The first bar the resumed loop processes. */
  nextBar: number;
  /** Bars in the run, and its symbols in order: a checkpoint fits only its own run. */
  length: number;
  symbols: readonly string[];
  /** The ledger: cash, then per symbol the open trade (size 0: flat). */
  cash: number;
  openCount: number;
  size: Float64Array;
  entryPrice: Float64Array;
  entryBar: Int32Array;
  entryFee: Float64Array;
  stopPrice: Float64Array;
  targetPrice: Float64Array;
  /** Closed trades so far, in order of exit. */
  trades: readonly Trade[];
  /** Orders decided on bar nextBar - 1, filled on bar nextBar. */
  pendingExit: Uint8Array;
  pendingEntry: Int8Array;
  /**
   * Equity and cash of bars [0, nextBar). When the loop hands a checkpoint out, these are views
   * of the run's own arrays, valid only during the callback: copy what you keep.
   */
  equity: Float64Array;
  balance: Float64Array;
}

/** When and where a running simulation saves its state. */
export interface CheckpointSink {
  /** Polled at each progress point (every `progressEveryBars` bars); true saves one there. */
  due(): boolean;
  save(checkpoint: SimulationCheckpoint): void;
}

export interface SimulationOptions {
  /** Called about every `progressEveryBars` bars, and once at the end. */
  onProgress?: (progress: SimulationProgress) => void;
  progressEveryBars?: number;
  /** Checked at least every 4,096 bars; an aborted run throws SimulationAbortedError. */
  signal?: AbortSignal;
  /** Saves the loop's state at progress points when it says one is due. */
  checkpoints?: CheckpointSink;
  /** Goes on from a checkpoint of this very run (same inputs and config) instead of bar 0. */
  resumeFrom?: SimulationCheckpoint;
  /**
   * Keep the cash at each bar's close in `result.cash` (default true). A caller that never reads
   * it passes false and the run allocates 8 bytes a bar less (8 MB at a million bars); then
   * `result.cash` is null, and checkpoints, which carry the series, are refused.
   */
  keepCash?: boolean;
  /**
   * Where the equity is written, one value a bar (its length must be the bars'): `result.equity`
   * is then this very array. A caller running many simulations on the same bars one after another
   * (a sweep) passes one buffer for them all and reads each result before the next run.
   */
  equityInto?: Float64Array;
}

export interface SimulationResult {
  /** The common timeline of all symbols. */
  time: Float64Array;
  /** Portfolio equity (cash + marked-to-market positions) at each bar's close. */
  equity: Float64Array;
  /** Cash at each bar's close; null when the caller asked not to keep it (`keepCash: false`). */
  cash: Float64Array | null;
  /** Closed trades, in order of exit. */
  trades: Trade[];
  /**
   * Trades still open after the last bar, marked at the last close (unrealised, no exit fee).
   * Empty under finalizeTrades, except in the backtesting.py profile for an entry decided on the
   * last bar: backtesting.py fills it at the last open after finalizing and leaves it open.
   */
  openTrades: Trade[];
  /** The largest warm-up over all symbols: the first bar any strategy can decide on is warmup + 1. */
  warmup: number;
}

export class SimulationAbortedError extends Error {
  override readonly name = 'SimulationAbortedError';
  constructor(readonly barsProcessed: number) {
    super(`simulation cancelled after ${barsProcessed} bars`);
  }
}
