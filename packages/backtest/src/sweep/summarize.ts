import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  type NumericStatKey,
  probabilityOfBacktestOverfitting,
  type SharpeSample,
  type Stats,
  sharpeProbability,
  trialSharpe,
} from '@hindsight/metrics';
import type { SweepCell } from './run-chunk.js';

/** The statistic a sweep ranks by, and which way is better. */
export interface SweepObjective {
  key: NumericStatKey;
  direction: 'max' | 'min';
}

export const LEADERBOARD_SIZE = 20;

export interface LeaderboardEntry {
  rank: number;
  index: number;
  params: Record<string, unknown>;
  stats: Stats;
  /** Against the best Sharpe that this many trials would reach by luck (per bar; null when flat). */
  deflatedSharpeRatio: number | null;
  /** Against a Sharpe of 0, from the same bar returns as the deflated one. */
  probabilisticSharpeRatio: number | null;
}

export interface SweepOverfitting {
  /** Completed trials with a Sharpe ratio (a trial that never moved has none). */
  trials: number;
  /** Variance (ddof 1) of those trials' per-bar Sharpe ratios. */
  sharpeVariance: number | null;
  /** The per-bar Sharpe the best of `trials` reaches by luck: the deflated ratio's benchmark. */
  expectedMaxSharpe: number | null;
  /** Probability of backtest overfitting by CSCV; null with fewer than two trials. */
  pbo: number | null;
  partitions: number | null;
  splits: number | null;
  medianLogit: number | null;
}

export interface SweepSummary {
  best: { index: number; params: Record<string, unknown>; stats: Stats } | null;
  leaderboard: LeaderboardEntry[];
  overfitting: SweepOverfitting;
}

type Completed = Extract<SweepCell, { status: 'completed' }>;

/**
 * The completed cells ranked by the objective, better first; cells whose objective is null
 * (undefined for that run) are left out; ties keep the grid's order.
 */
export function rankCells(cells: readonly SweepCell[], objective: SweepObjective): Completed[] {
  const sign = objective.direction === 'max' ? -1 : 1;
  return cells
    .filter((c): c is Completed => c.status === 'completed' && c.stats[objective.key] !== null)
    .sort(
      (a, b) =>
        sign * ((a.stats[objective.key] as number) - (b.stats[objective.key] as number)) ||
        a.index - b.index,
    );
}

/**
 * The leaderboard (top 20 by the objective) with each entry's deflated and probabilistic Sharpe
 * ratios, and the overfitting statistics of the whole search (docs/statistics.md, "Sweeps").
 */
export function summarizeSweep(
  cells: readonly SweepCell[],
  objective: SweepObjective,
): SweepSummary {
  const completed = cells.filter((c): c is Completed => c.status === 'completed');
  const samples = new Map<number, SharpeSample>();
  for (const cell of completed) {
    const sample = trialSharpe(cell.trial);
    if (sample !== null) samples.set(cell.index, sample);
  }
  const sharpes = [...samples.values()].map((s) => s.sharpe);
  const sharpeVariance = sampleVariance(sharpes);
  const trials = { count: sharpes.length, sharpeVariance: sharpeVariance ?? 0 };
  const ranked = rankCells(cells, objective);
  const leaderboard = ranked.slice(0, LEADERBOARD_SIZE).map((cell, i) => {
    const sample = samples.get(cell.index);
    return {
      rank: i + 1,
      index: cell.index,
      params: cell.params,
      stats: cell.stats,
      deflatedSharpeRatio: sample ? deflatedSharpeRatio(sample, trials) : null,
      probabilisticSharpeRatio: sample ? sharpeProbability({ ...sample, benchmark: 0 }) : null,
    };
  });
  const cscv =
    completed.length >= 2
      ? probabilityOfBacktestOverfitting(
          completed.map((c) => c.trial),
          completed[0]!.trial.rowsPerBlock,
        )
      : null;
  const top = ranked[0];
  return {
    best: top ? { index: top.index, params: top.params, stats: top.stats } : null,
    leaderboard,
    overfitting: {
      trials: sharpes.length,
      sharpeVariance,
      expectedMaxSharpe:
        sharpeVariance === null ? null : expectedMaxSharpe(sharpes.length, sharpeVariance),
      pbo: cscv?.pbo ?? null,
      partitions: cscv?.partitions ?? null,
      splits: cscv?.splits ?? null,
      medianLogit: cscv?.medianLogit ?? null,
    },
  };
}

function sampleVariance(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
}
