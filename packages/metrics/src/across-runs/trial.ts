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
  const count = equity.length - 1;
  const rowsPerBlock = Math.floor(count / partitions);
  const skip = count - rowsPerBlock * partitions;
  // returns[t - 1] = r[t]; every statistic below reads the same values in the same order. The
  // blocks' sums need no mean, so they are summed in this pass: block b holds returns
  // [skip + b * rowsPerBlock, skip + (b + 1) * rowsPerBlock).
  const sums = new Array<number>(partitions).fill(0);
  const squares = new Array<number>(partitions).fill(0);
  let sum = 0;
  let prev = equity[0]!;
  let block = 0;
  let left = rowsPerBlock;
  let blockSum = 0;
  let blockSquares = 0;
  for (let t = 1; t <= count; t++) {
    const e = equity[t]!;
    const r = e / prev - 1;
    returns[t - 1] = r;
    sum += r;
    prev = e;
    if (t > skip) {
      blockSum += r;
      blockSquares += r * r;
      if (--left === 0) {
        sums[block] = blockSum;
        squares[block] = blockSquares;
        block++;
        left = rowsPerBlock;
        blockSum = 0;
        blockSquares = 0;
      }
    }
  }
  const mean = count > 0 ? sum / count : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < count; t++) {
    const d = returns[t]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  return {
    count,
    mean,
    m2: count > 0 ? m2 / count : 0,
    m3: count > 0 ? m3 / count : 0,
    m4: count > 0 ? m4 / count : 0,
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
