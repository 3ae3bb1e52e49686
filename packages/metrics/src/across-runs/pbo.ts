/**
 * One trial's returns cut into S equal, consecutive blocks: per block the sum of the returns and
 * the sum of their squares. That is all CSCV needs, so a sweep keeps 2·S numbers per trial
 * instead of its whole return series.
 */
export interface TrialBlocks {
  sums: ArrayLike<number>;
  squares: ArrayLike<number>;
}

export interface Overfitting {
  /** Probability of backtest overfitting: the share of splits whose in-sample best ranks in the
   *  lower half out of sample (logit <= 0). */
  pbo: number;
  /** Number of blocks S the returns were cut into. */
  partitions: number;
  /** Number of in-sample / out-of-sample splits: C(S, S/2). */
  splits: number;
  /** The median logit of the in-sample best's out-of-sample relative rank (> 0: above median). */
  medianLogit: number;
}

/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (Bailey,
 * Borwein, López de Prado and Zhu, 2015). Each split takes S/2 of the S blocks as in-sample and
 * the rest as out-of-sample; the trial with the best in-sample Sharpe (mean/std, ddof 1, of its
 * returns in those blocks; first trial on a tie; 0 without dispersion) is ranked among all
 * trials out of sample (rank 1..N ascending, ties averaged), ω = rank/(N+1), λ = ln(ω/(1-ω)).
 * PBO is the share of splits with λ <= 0. null for fewer than two trials, an odd S or S < 2.
 * `rowsPerBlock` is the number of returns in each block.
 */
export function probabilityOfBacktestOverfitting(
  trials: readonly TrialBlocks[],
  rowsPerBlock: number,
): Overfitting | null {
  const n = trials.length;
  if (n < 2 || rowsPerBlock < 1) return null;
  const s = trials[0]!.sums.length;
  if (s < 2 || s % 2 !== 0 || s > 24) return null;
  const half = s / 2;
  const rows = half * rowsPerBlock;
  const inSample = new Float64Array(n);
  const outSample = new Float64Array(n);
  const logits: number[] = [];
  let overfit = 0;
  for (let mask = 0; mask < 1 << s; mask++) {
    if (popcount(mask) !== half) continue;
    let best = 0;
    for (let j = 0; j < n; j++) {
      const { sums, squares } = trials[j]!;
      let inSum = 0;
      let inSq = 0;
      let outSum = 0;
      let outSq = 0;
      for (let b = 0; b < s; b++) {
        if (mask & (1 << b)) {
          inSum += sums[b]!;
          inSq += squares[b]!;
        } else {
          outSum += sums[b]!;
          outSq += squares[b]!;
        }
      }
      inSample[j] = sharpe(inSum, inSq, rows);
      outSample[j] = sharpe(outSum, outSq, rows);
      if (inSample[j]! > inSample[best]!) best = j;
    }
    const target = outSample[best]!;
    let below = 0;
    let equal = 0;
    for (let j = 0; j < n; j++) {
      if (outSample[j]! < target) below++;
      else if (outSample[j] === target) equal++;
    }
    const omega = (below + (equal + 1) / 2) / (n + 1);
    const logit = Math.log(omega / (1 - omega));
    logits.push(logit);
    if (logit <= 0) overfit++;
  }
  logits.sort((a, b) => a - b);
  const mid = logits.length / 2;
  const medianLogit =
    logits.length % 2 === 1 ? logits[Math.floor(mid)]! : (logits[mid - 1]! + logits[mid]!) / 2;
  return { pbo: overfit / logits.length, partitions: s, splits: logits.length, medianLogit };
}

function sharpe(sum: number, squares: number, count: number): number {
  const mean = sum / count;
  const variance = (squares - sum * mean) / (count - 1);
  return variance > 0 ? mean / Math.sqrt(variance) : 0;
}

function popcount(x: number): number {
  let count = 0;
  for (let v = x; v !== 0; v &= v - 1) count++;
  return count;
}
