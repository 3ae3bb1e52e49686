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

export function summarizeTrial(equity: Float64Array, partitions: number): TrialSummary {
  const count = equity.length - 1;
  let sum = 0;
  for (let t = 1; t <= count; t++) sum += equity[t]! / equity[t - 1]! - 1;
  const mean = count > 0 ? sum / count : 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 1; t <= count; t++) {
    const d = equity[t]! / equity[t - 1]! - 1 - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const rowsPerBlock = Math.floor(count / partitions);
  const skip = count - rowsPerBlock * partitions;
  const sums = new Array<number>(partitions).fill(0);
  const squares = new Array<number>(partitions).fill(0);
  for (let k = 0; k < rowsPerBlock * partitions; k++) {
    const t = 1 + skip + k;
    const r = equity[t]! / equity[t - 1]! - 1;
    const b = Math.floor(k / rowsPerBlock);
    sums[b]! += r;
    squares[b]! += r * r;
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
