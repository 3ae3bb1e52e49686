import {
  BarsIndicators,
  type IndicatorProvider,
  SimulationAbortedError,
  type SimulationConfig,
  type StrategyDefinition,
} from '@hindsight/engine';
import { type MarketScan, type Stats, scanMarket, type TrialSummary } from '@hindsight/metrics';
import {
  benchmarkClose,
  type PreparedSymbol,
  runPreparedCell,
  withWeights,
} from '../run-backtest.js';
import type { SweepCombo } from './grid.js';

/** CSCV's S: 16 blocks give C(16, 8) = 12,870 splits, as Bailey et al. recommend. */
export const SWEEP_PARTITIONS = 16;

/**
 * Indicator series a sweep keeps in memory across its combinations, over all its symbols: 64 MB
 * holds every series of a large grid on a few thousand bars; on millions of bars it holds a few,
 * and the rest are computed per combination, as without a memo.
 */
const KEPT_SERIES_BYTES = 64 * 1024 * 1024;

/** One combination's outcome: what the leaderboard, the results and the cache hold. */
export type SweepCell =
  | (SweepCombo & { status: 'completed'; stats: Stats; trial: TrialSummary })
  | (SweepCombo & { status: 'failed'; error: string });

/**
 * A sweep's bars, prepared once for all the combinations run on them: per symbol, the indicator
 * series the strategies read, computed once and kept (within KEPT_SERIES_BYTES); and the
 * statistics' scan of the time and the benchmark, which every run on these bars shares. Both give
 * bit-identical results to a standalone backtest, which computes them itself.
 */
export interface SweepSymbols {
  symbols: ReadonlyArray<Omit<PreparedSymbol, 'signals'> & { indicators: IndicatorProvider }>;
  market: MarketScan;
  /**
   * Working space each run writes its equity into (a run is done with it before the next starts;
   * the symbols' indicators likewise reuse one buffer for the signals' flags, and the market scan
   * one for the returns).
   */
  equity: Float64Array;
}

/**
 * Per symbol, the memo of indicator series a sweep's combinations share (KEPT_SERIES_BYTES);
 * with `reuseFlags`, one buffer for every run's flags too (valid until the next run's signals).
 */
export function sweepIndicators(
  symbols: ReadonlyArray<{ bars: PreparedSymbol['bars'] }>,
  options: { reuseFlags?: boolean } = {},
): BarsIndicators[] {
  const keepBytes = KEPT_SERIES_BYTES / Math.max(1, symbols.length);
  return symbols.map((s) => new BarsIndicators(s.bars, [], { ...options, keepBytes }));
}

export function prepareSweepSymbols(
  symbols: ReadonlyArray<Omit<PreparedSymbol, 'signals'>>,
): SweepSymbols {
  const weighted = withWeights(symbols);
  const indicators = sweepIndicators(symbols, { reuseFlags: true });
  return {
    symbols: symbols.map((s, j) => ({ ...s, indicators: indicators[j]! })),
    market: scanMarket(weighted[0]!.bars.time, benchmarkClose(weighted)),
    equity: new Float64Array(weighted[0]!.bars.length),
  };
}

/**
 * Runs combinations of one strategy on bars prepared once, each through `runPreparedCell` - the
 * code path of a standalone backtest, with the trial summary - so every cell's statistics equal
 * a standalone run's bit for bit. A combination that throws fails alone; an abort (between combinations, or inside one)
 * stops the chunk.
 * @throws SimulationAbortedError when `signal` is aborted.
 */
export function runSweepChunk(input: {
  strategy: StrategyDefinition;
  bars: SweepSymbols;
  simulation: SimulationConfig;
  combos: readonly SweepCombo[];
  signal?: AbortSignal;
}): SweepCell[] {
  const cells: SweepCell[] = [];
  const { symbols, market, equity } = input.bars;
  for (const combo of input.combos) {
    if (input.signal?.aborted) throw new SimulationAbortedError(0);
    try {
      // As the worker runs a standalone backtest: signals per symbol, refused when the warm-up
      // leaves no bar to decide on, then handed to runPreparedCell.
      const prepared = symbols.map(({ indicators, ...s }) => {
        const signals = input.strategy.signals(s.bars, combo.params, indicators);
        if (signals.warmup >= s.bars.length) {
          throw new Error(
            `needs a longer warm-up than the ${s.bars.length} bars of ${s.symbol}: widen the range or shorten the periods`,
          );
        }
        return { ...s, signals };
      });
      const { stats, trial } = runPreparedCell(
        { strategy: input.strategy, params: combo.params, simulation: input.simulation },
        prepared,
        // A cell keeps its statistics and trial summary, never the cash or equity series.
        { signal: input.signal, keepCash: false, equityInto: equity },
        market,
        SWEEP_PARTITIONS,
      );
      cells.push({ ...combo, status: 'completed', stats, trial });
    } catch (error) {
      if (error instanceof SimulationAbortedError) throw error;
      cells.push({ ...combo, status: 'failed', error: (error as Error).message });
    }
  }
  return cells;
}
