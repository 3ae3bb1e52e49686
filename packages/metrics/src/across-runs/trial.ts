import type { ReturnSummary } from '../moments.js';
import type { SharpeSample } from '../psr.js';
import type { TrialBlocks } from './pbo.js';

/**
 * What the statistics across the trials of a sweep need from one trial: the moments of its
 * bar-to-bar equity returns r[t] = E[t]/E[t-1] - 1 (t = 1..n-1, every trial on the same bars)
 * and, for CSCV, those returns cut into `partitions` equal blocks - the oldest n-1 mod S returns
 * (inside the warm-up for any strategy with one) left out so the blocks are equal.
 */
export interface TrialSummary extends TrialBlocks {
  count: number;
  mean: number;
  /** Population central moments mean((r - mean)^k). */
  m2: number;
  m3: number;
  m4: number;
  rowsPerBlock: number;
  sums: number[];
  squares: number[];
}

/**
 * `returns`, when given, is working space of at least n - 1 values (reused across a sweep's
 * trials instead of a new array each); the returns are computed once into it.
 */
export function summarizeTrial(
  equity: Float64Array,
  partitions: number,
  returns: Float64Array = new Float64Array(Math.max(0, equity.length - 1)),
): TrialSummary {
  const count = Math.max(0, equity.length - 1);
  // returns[t - 1] = r[t]; the moments read the same values in the same order as
  // summarizeReturns does (trialOfReturns relies on it).
  let sum = 0;
  let prev = equity[0]!;
  for (let t = 1; t <= count; t++) {
    const e = equity[t]!;
    const r = e / prev - 1;
    returns[t - 1] = r;
    sum += r;
    prev = e;
  }
  const r = returns.subarray(0, count);
  if (count === 0)
    return trialOfReturns(r, partitions, { mean: null, m2: null, m3: null, m4: null });
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < count; t++) {
    const d = r[t]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return trialOfReturns(r, partitions, { mean, m2: m2 / count, m3: m3 / count, m4: m4 / count });
}

/** The mean and population central moments of a trial's returns (as ReturnSummary has them). */
export type TrialMoments = Pick<ReturnSummary, 'mean' | 'm2' | 'm3' | 'm4'>;

/**
 * The summary of a trial from its bar returns r (r[t - 1] = E[t]/E[t-1] - 1) and their mean and
 * moments - summarizeReturns(r)'s, or summarizeTrial's, which add the same values in the same
 * order - summing only the blocks: on daily bars, where the statistics' period returns are the
 * bar returns, a sweep's cell takes the moments from its statistics (computeStatsAndTrial).
 */
export function trialOfReturns(
  r: Float64Array,
  partitions: number,
  moments: TrialMoments,
): TrialSummary {
  const count = r.length;
  const rowsPerBlock = Math.floor(count / partitions);
  const skip = count - rowsPerBlock * partitions;
  const sums = new Array<number>(partitions).fill(0);
  const squares = new Array<number>(partitions).fill(0);
  for (let b = 0, t = skip; b < partitions; b++) {
    let blockSum = 0;
    let blockSquares = 0;
    for (const end = t + rowsPerBlock; t < end; t++) {
      const x = r[t]!;
      blockSum += x;
      blockSquares += x * x;
    }
    sums[b] = blockSum;
    squares[b] = blockSquares;
  }
  return {
    count,
    mean: moments.mean ?? 0,
    m2: moments.m2 ?? 0,
    m3: moments.m3 ?? 0,
    m4: moments.m4 ?? 0,
    rowsPerBlock,
    sums,
    squares,
  };
}

/** The trial's per-bar Sharpe ratio (ddof 1) with its skewness and kurtosis; null when flat. */
export function trialSharpe(trial: TrialSummary): SharpeSample | null {
  if (trial.count < 2 || !(trial.m2 > 0)) return null;
  const variance = (trial.m2 * trial.count) / (trial.count - 1);
  return {
    sharpe: trial.mean / Math.sqrt(variance),
    count: trial.count,
    skewness: trial.m3 / trial.m2 ** 1.5,
    kurtosis: trial.m4 / trial.m2 ** 2,
  };
}
