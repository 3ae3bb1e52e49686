import {
  SimulationAbortedError,
  type SimulationConfig,
  type StrategyDefinition,
} from '@hindsight/engine';
import { type Stats, summarizeTrial, type TrialSummary } from '@hindsight/metrics';
import { type PreparedSymbol, runPrepared } from '../run-backtest.js';
import type { SweepCombo } from './grid.js';

/** CSCV's S: 16 blocks give C(16, 8) = 12,870 splits, as Bailey et al. recommend. */
export const SWEEP_PARTITIONS = 16;

/** One combination's outcome: what the leaderboard, the results and the cache hold. */
export type SweepCell =
  | (SweepCombo & { status: 'completed'; stats: Stats; trial: TrialSummary })
  | (SweepCombo & { status: 'failed'; error: string });

/**
 * Runs combinations of one strategy on bars loaded once, each through `runPrepared` - the code
 * path of a standalone backtest - so every cell's statistics equal a standalone run's bit for
 * bit. A combination that throws fails alone; an abort (between combinations, or inside one)
 * stops the chunk.
 * @throws SimulationAbortedError when `signal` is aborted.
 */
export function runSweepChunk(input: {
  strategy: StrategyDefinition;
  symbols: ReadonlyArray<Omit<PreparedSymbol, 'signals'>>;
  simulation: SimulationConfig;
  combos: readonly SweepCombo[];
  signal?: AbortSignal;
}): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const combo of input.combos) {
    if (input.signal?.aborted) throw new SimulationAbortedError(0);
    try {
      // As the worker runs a standalone backtest: signals per symbol, refused when the warm-up
      // leaves no bar to decide on, then handed to runPrepared.
      const symbols = input.symbols.map((s) => {
        const signals = input.strategy.signals(s.bars, combo.params);
        if (signals.warmup >= s.bars.length) {
          throw new Error(
            `needs a longer warm-up than the ${s.bars.length} bars of ${s.symbol}: widen the range or shorten the periods`,
          );
        }
        return { ...s, signals };
      });
      const { stats, simulation } = runPrepared(
        { strategy: input.strategy, params: combo.params, simulation: input.simulation },
        symbols,
        { signal: input.signal },
      );
      const trial = summarizeTrial(simulation.equity, SWEEP_PARTITIONS);
      cells.push({ ...combo, status: 'completed', stats, trial });
    } catch (error) {
      if (error instanceof SimulationAbortedError) throw error;
      cells.push({ ...combo, status: 'failed', error: (error as Error).message });
    }
  }
  return cells;
}
