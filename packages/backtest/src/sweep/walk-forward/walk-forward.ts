import {
  type Bars,
  type IndicatorProvider,
  type Signals,
  SimulationAbortedError,
  type SimulationConfig,
  type StrategyDefinition,
  sliceBars,
  sliceSignals,
  type Trade,
} from '@hindsight/engine';
import { computeStats, downsample, type Stats } from '@hindsight/metrics';
import type { WalkForwardFoldReport, WalkForwardReport, WalkForwardSpec } from '@hindsight/models';
import { type BacktestOutput, benchmarkClose, runPrepared } from '../../run-backtest.js';
import type { SweepCombo } from '../grid.js';
import { sweepIndicators } from '../run-chunk.js';
import type { SweepObjective } from '../summarize.js';
import { type BarWindow, walkForwardWindows } from './windows.js';

/** The stitched out-of-sample equity is thinned (M4) beyond this many points. */
export const WALK_FORWARD_EQUITY_POINTS = 2_000;
/** Combinations optimised between two calls of `pause`. */
const BATCH = 32;

/** A walk-forward analysis that cannot run on these bars: its windows, or a warm-up too long. */
export class WalkForwardError extends Error {
  override readonly name = 'WalkForwardError';
}

export interface WalkForwardInput {
  strategy: StrategyDefinition;
  /** Aligned bars, as a sweep runs on them. */
  symbols: ReadonlyArray<{ symbol: string; bars: Bars; weight?: number }>;
  simulation: SimulationConfig;
  /** The runnable combinations of the grid. */
  combos: readonly SweepCombo[];
  spec: WalkForwardSpec;
  objective: SweepObjective;
  /** Awaited between batches of combinations; resolving false stops the analysis (a cancel). */
  pause?: () => Promise<boolean>;
  /**
   * Per combination (in `combos` order), its in-sample scores when they were computed already
   * (`[fold]`, as scoreInSample gives them; null or NaN where undefined): a sweep's chunks score
   * their own combinations. Those missing are scored here.
   */
  scored?: ReadonlyArray<ReadonlyArray<number | null> | undefined>;
}

type Run = Pick<Parameters<typeof runPrepared>[0], 'strategy' | 'params' | 'simulation'>;

/**
 * Signals over the whole series: a flag at bar i sees bars up to i only, so the signals of any
 * window are these sliced (sliceSignals), indicators warmed up on the bars before the window.
 */
function signalsOf(
  input: Pick<WalkForwardInput, 'strategy' | 'symbols'> & SharedSeries,
  params: Record<string, unknown>,
): Signals[] {
  return input.symbols.map((s, j) => input.strategy.signals(s.bars, params, input.indicators?.[j]));
}

/**
 * Per symbol, where the combinations read their indicator series (sweepIndicators): each distinct
 * series computed once for all of them, the same values as computed per combination.
 */
interface SharedSeries {
  indicators?: readonly IndicatorProvider[];
}

/**
 * One window as a standalone backtest over its bars whose strategy saw the bars before it:
 * runPrepared on the window's bars with the sliced signals. It trades only inside the window,
 * starting flat with the configured cash.
 */
export function runWindow(
  run: Run,
  symbols: WalkForwardInput['symbols'],
  signals: readonly Signals[],
  window: BarWindow,
): BacktestOutput {
  return runPrepared(
    run,
    symbols.map((s, j) => ({
      symbol: s.symbol,
      ...(s.weight === undefined ? {} : { weight: s.weight }),
      bars: sliceBars(s.bars, window.from, window.to),
      signals: sliceSignals(signals[j]!, window.from, window.to),
    })),
  );
}

/** What scoring the combinations on the in-sample windows needs: no pause, no out-of-sample run. */
type InSampleScoring = Pick<WalkForwardInput, 'strategy' | 'symbols' | 'simulation' | 'spec'> &
  SharedSeries & {
    key: SweepObjective['key'];
  };

/**
 * The part of a walk-forward analysis that grows with the grid: every combination's objective on
 * every fold's in-sample window, `scores[fold][c]` for `combos[c]` (NaN where it is undefined or
 * the run fails). Each combination is scored alone on the same bars, so any split of `combos`
 * (batches between pauses, threads) gives the same numbers, bit for bit.
 * @throws WalkForwardError when the windows are too short, or a combination's warm-up leaves no
 *   bar to decide on in the first in-sample window.
 */
export function scoreInSample(
  input: InSampleScoring,
  combos: readonly SweepCombo[],
): Float64Array[] {
  const windows = windowsOrThrow(input.symbols[0]!.bars.length, input.spec);
  const scores = windows.folds.map(() => new Float64Array(combos.length).fill(Number.NaN));
  combos.forEach((combo, c) => {
    const signals = signalsOf(input, combo.params);
    assertWarmupFits(combo, signals, windows.inSampleBars);
    const run = { strategy: input.strategy, params: combo.params, simulation: input.simulation };
    for (const fold of windows.folds) {
      const value = objectiveOf(
        () => runWindow(run, input.symbols, signals, fold.inSample),
        input.key,
      );
      if (value !== null) scores[fold.fold]![c] = value;
    }
  });
  return scores;
}

/**
 * Walk-forward analysis of a sweep (docs/statistics.md, "Walk-forward"): per fold, every
 * combination runs on the in-sample window, the best by the objective (ties: the lower index,
 * as the leaderboard) runs on the out-of-sample window after it; the out-of-sample equity curves
 * are chained into one. Null when `pause` stopped it. Combinations `scored` already are not run
 * again. (runWalkForwardThreads scores the combinations on worker threads instead, then reports
 * through the same walkForwardReport.)
 * @throws WalkForwardError when the windows are too short, or a combination's warm-up leaves no
 *   bar to decide on in the first in-sample window, or a fold has no candidate.
 */
export async function runWalkForward(input: WalkForwardInput): Promise<WalkForwardReport | null> {
  const { combos } = input;
  const scoring = {
    ...input,
    key: input.objective.key,
    indicators: sweepIndicators(input.symbols),
  };
  const folds = windowsOrThrow(input.symbols[0]!.bars.length, input.spec).folds;
  const scores = folds.map(() => new Float64Array(combos.length).fill(Number.NaN));
  const missing: number[] = [];
  combos.forEach((_, c) => {
    const known = input.scored?.[c];
    if (known === undefined) {
      missing.push(c);
      return;
    }
    for (const fold of folds) scores[fold.fold]![c] = known[fold.fold] ?? Number.NaN;
  });
  for (let start = 0; start < missing.length; start += BATCH) {
    const at = missing.slice(start, start + BATCH);
    const batch = scoreInSample(
      scoring,
      at.map((c) => combos[c]!),
    );
    batch.forEach((values, fold) => {
      at.forEach((c, k) => {
        scores[fold]![c] = values[k]!;
      });
    });
    if (input.pause && !(await input.pause())) return null;
  }
  return walkForwardReport(input, scores);
}

/**
 * The report of a walk-forward analysis from its in-sample scores (scoreInSample over all of
 * `input.combos`, in their order): per fold the best combination, its in-sample and out-of-sample
 * runs, then the stitched out-of-sample equity, its statistics and the efficiency.
 * @throws WalkForwardError when a fold has no candidate.
 */
export function walkForwardReport(
  input: Omit<WalkForwardInput, 'pause'>,
  scores: readonly Float64Array[],
): WalkForwardReport {
  const { combos, objective } = input;
  const windows = windowsOrThrow(input.symbols[0]!.bars.length, input.spec);
  const time = input.symbols[0]!.bars.time;
  const folds = windows.folds.map((fold): WalkForwardFoldReport & { run: BacktestOutput } => {
    const foldScores = scores[fold.fold]!;
    const c = bestOf(foldScores, objective.direction);
    if (c < 0) {
      throw new WalkForwardError(
        `fold ${fold.fold}: no combination has a ${objective.key} on the in-sample window ${describe(time, fold.inSample)}`,
      );
    }
    const combo = combos[c]!;
    const run = { strategy: input.strategy, params: combo.params, simulation: input.simulation };
    const signals = signalsOf(input, combo.params);
    const inSample = runWindow(run, input.symbols, signals, fold.inSample);
    const outOfSample = runWindow(run, input.symbols, signals, fold.outOfSample);
    return {
      fold: fold.fold,
      inSample: windowReport(time, fold.inSample),
      outOfSample: windowReport(time, fold.outOfSample),
      index: combo.index,
      params: combo.params,
      inSampleObjective: foldScores[c]!,
      candidates: foldScores.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0),
      inSampleStats: inSample.stats,
      outOfSampleStats: outOfSample.stats,
      efficiency: ratioOfPositive(outOfSample.stats.cagrPct, inSample.stats.cagrPct),
      run: outOfSample,
    };
  });

  const stitched = stitch(input, windows.folds[0]!.outOfSample.from, folds);
  const thinned = downsample(stitched.time, stitched.equity, WALK_FORWARD_EQUITY_POINTS);
  return {
    mode: input.spec.mode,
    inSampleFraction: input.spec.inSampleFraction,
    objective: { ...objective },
    inSampleBars: windows.inSampleBars,
    outOfSampleBars: windows.outOfSampleBars,
    folds: folds.map(({ run: _run, ...fold }) => fold),
    stats: stitched.stats,
    efficiency: walkForwardEfficiency(
      stitched.stats.cagrPct,
      folds.map((f) => f.inSampleStats.cagrPct),
    ),
    equity: {
      points: stitched.time.length,
      downsampled: thinned.time.length < stitched.time.length,
      time: [...thinned.time],
      equity: [...thinned.values],
    },
  };
}

/**
 * What runWalkForward would refuse, found before it runs: windows of fewer than two bars, or a
 * combination whose warm-up leaves no bar to decide on in the first in-sample window (the
 * shortest stretch of history any in-sample window has). Costs one signals pass per combination
 * over the first in-sample window's bars.
 * @throws WalkForwardError
 */
export function checkWalkForward(
  input: Pick<WalkForwardInput, 'strategy' | 'symbols' | 'combos' | 'spec'>,
): void {
  const { inSampleBars } = windowsOrThrow(input.symbols[0]!.bars.length, input.spec);
  for (const combo of input.combos) {
    // The window's bars alone are enough to see whether the warm-up fits (signals are causal),
    // but an indicator longer than the window never defines a value there, so its warm-up would
    // read as the window's length: the error names the one on the whole range.
    const onWindow = input.symbols.map((s) =>
      input.strategy.signals(sliceBars(s.bars, 0, inSampleBars), combo.params),
    );
    if (fits(onWindow, inSampleBars)) continue;
    const onRange = input.symbols.map((s) => input.strategy.signals(s.bars, combo.params));
    assertWarmupFits(combo, onRange, inSampleBars);
  }
}

function fits(signals: readonly Signals[], inSampleBars: number): boolean {
  return Math.max(...signals.map((s) => s.warmup)) <= inSampleBars - 2;
}

/** The first in-sample window must leave at least one bar to decide on after the warm-up. */
function assertWarmupFits(combo: SweepCombo, signals: readonly Signals[], inSampleBars: number) {
  if (fits(signals, inSampleBars)) return;
  const warmup = Math.max(...signals.map((s) => s.warmup));
  const bars = signals[0]!.enterLong.length;
  const needs =
    warmup >= bars
      ? `needs more than the range's ${bars} bars to warm up`
      : `warms up over ${warmup + 1} bars`;
  throw new WalkForwardError(
    `${JSON.stringify(combo.params)} ${needs}, leaving no bar to trade in the first in-sample window of ${inSampleBars} bars: use fewer folds, a larger in-sample fraction or a longer range`,
  );
}

/**
 * Walk-forward efficiency: the annualised return (CAGR, percent) of the stitched out-of-sample
 * equity over the mean CAGR of the chosen parameters on their in-sample windows. Null when any
 * is undefined or the in-sample mean is not positive (a ratio to a loss or to nothing misleads).
 */
export function walkForwardEfficiency(
  outOfSampleCagrPct: number | null,
  inSampleCagrPct: ReadonlyArray<number | null>,
): number | null {
  if (inSampleCagrPct.length === 0 || inSampleCagrPct.some((v) => v === null)) return null;
  const mean =
    (inSampleCagrPct as number[]).reduce((sum, v) => sum + v, 0) / inSampleCagrPct.length;
  return ratioOfPositive(outOfSampleCagrPct, mean);
}

function ratioOfPositive(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || denominator === null || !(denominator > 0)
    ? null
    : numerator / denominator;
}

function windowsOrThrow(length: number, spec: WalkForwardSpec) {
  try {
    return walkForwardWindows(length, spec);
  } catch (error) {
    throw new WalkForwardError((error as Error).message);
  }
}

/** The objective of one in-sample run; null when undefined there or when the run fails. */
function objectiveOf(run: () => BacktestOutput, key: SweepObjective['key']): number | null {
  try {
    return run().stats[key];
  } catch (error) {
    if (error instanceof SimulationAbortedError) throw error;
    return null;
  }
}

/** The index of the best defined score; ties keep the lower index. -1 when none is defined. */
function bestOf(scores: Float64Array, direction: SweepObjective['direction']): number {
  let best = -1;
  for (let c = 0; c < scores.length; c++) {
    const v = scores[c]!;
    if (Number.isNaN(v)) continue;
    if (best < 0 || (direction === 'max' ? v > scores[best]! : v < scores[best]!)) best = c;
  }
  return best;
}

/**
 * The out-of-sample runs chained: each window's equity scaled so that it starts where the one
 * before ended (window returns compound); trades shifted to the stitched bars and scaled alike.
 */
function stitch(
  input: Pick<WalkForwardInput, 'symbols' | 'simulation'>,
  from: number,
  folds: ReadonlyArray<{ run: BacktestOutput }>,
): { time: Float64Array; equity: Float64Array; stats: Stats } {
  const time = input.symbols[0]!.bars.time.slice(from);
  const equity = new Float64Array(time.length);
  const trades: Trade[] = [];
  const openTrades: Trade[] = [];
  const { cash } = input.simulation;
  let level = cash;
  let offset = 0;
  for (const { run } of folds) {
    const curve = run.simulation.equity;
    // level * (E[t] / C): a window's first bar (E[0] = C, nothing fills before bar 1) is exactly
    // the level the previous window ended on, and the first window is exactly its own curve.
    for (let t = 0; t < curve.length; t++) {
      equity[offset + t] = offset === 0 ? curve[t]! : level * (curve[t]! / cash);
    }
    const scale = level / cash;
    const shift = (trade: Trade): Trade => ({
      ...trade,
      entryBar: trade.entryBar + offset,
      exitBar: trade.exitBar + offset,
      size: trade.size * scale,
      pnl: trade.pnl * scale,
      commission: trade.commission * scale,
    });
    trades.push(...run.simulation.trades.map(shift));
    openTrades.push(...run.simulation.openTrades.map(shift));
    offset += curve.length;
    level = equity[offset - 1]!;
  }
  const weight = 1 / input.symbols.length;
  const close = benchmarkClose(
    input.symbols.map((s) => ({ bars: sliceBars(s.bars, from), weight: s.weight ?? weight })),
  );
  const stats = computeStats({
    time,
    equity,
    close,
    trades,
    openTrades,
    warmup: 0,
    conventions: input.simulation.conventions,
  });
  return { time, equity, stats };
}

function windowReport(time: Float64Array, window: BarWindow): WalkForwardFoldReport['inSample'] {
  return {
    firstBar: window.from,
    lastBar: window.to - 1,
    start: new Date(time[window.from]!).toISOString(),
    end: new Date(time[window.to - 1]!).toISOString(),
  };
}

function describe(time: Float64Array, window: BarWindow): string {
  const w = windowReport(time, window);
  return `bars ${w.firstBar}..${w.lastBar} (${w.start.slice(0, 10)}..${w.end.slice(0, 10)})`;
}
