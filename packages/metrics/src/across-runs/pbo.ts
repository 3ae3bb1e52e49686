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
 *
 * A sweep of thousands of trials at S = 16 has C(16, 8) = 12,870 splits, so the work is laid out
 * to make each addition and each Sharpe ratio once. A split and its complement cut the blocks
 * into the same two halves, one's in-sample being the other's out-of-sample, so they are
 * evaluated together from one pair of Sharpe vectors. The pairs are found by dealing the blocks,
 * in ascending order, to a first half (block 0 always, so each pair comes once) or a second,
 * keeping every trial's running sums per half; pairs that deal their first blocks alike share
 * those sums. Each half is still summed from 0 over its blocks in ascending order, the very
 * additions a split-by-split loop makes, so the result is the same to the bit (pbo.test.ts holds
 * it to the split-by-split original).
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
  const width = 2 * n;
  // Block-major, each trial's sum beside its sum of squares: dealing a block is one pass.
  const blocks = new Float64Array(s * width);
  for (let j = 0; j < n; j++) {
    const { sums, squares } = trials[j]!;
    for (let b = 0; b < s; b++) {
      blocks[b * width + 2 * j] = sums[b]!;
      blocks[b * width + 2 * j + 1] = squares[b]!;
    }
  }
  const cscv: Cscv = {
    half,
    width,
    rows: half * rowsPerBlock,
    blocks,
    first: new Float64Array((half + 1) * width),
    second: new Float64Array((half + 1) * width),
    firstSharpe: new Float64Array(n),
    secondSharpe: new Float64Array(n),
    logits: new Float64Array(binomial(s, half)),
    splits: 0,
    overfit: 0,
  };
  deal(cscv, 0, 0, 0);
  const { logits, splits } = cscv;
  logits.sort();
  // C(S, S/2) is even (the splits come in complementary pairs): the median is a mean of two.
  const medianLogit = (logits[splits / 2 - 1]! + logits[splits / 2]!) / 2;
  return { pbo: cscv.overfit / splits, partitions: s, splits, medianLogit };
}

/** The state of one CSCV run, passed down the dealing. */
interface Cscv {
  half: number;
  /** 2N: a trial's sum and sum of squares side by side. */
  width: number;
  /** Returns in one half: S/2 blocks. */
  rows: number;
  /** Block b's [sum, sum of squares] for every trial, at b·2N. */
  blocks: Float64Array;
  /** Row k (at k·2N) of a half: every trial's sums over the first k blocks dealt to it; row 0
   *  stays 0. */
  first: Float64Array;
  second: Float64Array;
  firstSharpe: Float64Array;
  secondSharpe: Float64Array;
  logits: Float64Array;
  splits: number;
  overfit: number;
}

/** Deal `block` and the ones after it to two halves that hold `inFirst` and `inSecond` blocks. */
function deal(c: Cscv, block: number, inFirst: number, inSecond: number): void {
  if (inFirst === c.half && inSecond === c.half) {
    evaluate(c);
    return;
  }
  if (inFirst < c.half) {
    accumulate(c.first, inFirst, c.blocks, block, c.width);
    deal(c, block + 1, inFirst + 1, inSecond);
  }
  if (inSecond < c.half && block > 0) {
    accumulate(c.second, inSecond, c.blocks, block, c.width);
    deal(c, block + 1, inFirst, inSecond + 1);
  }
}

/**
 * Row `taken` + 1 of a half = row `taken` plus block `block`, for every trial. A trial's sum and
 * sum of squares share a turn of the loop: the loop's own overhead bounded this pass, and two
 * additions a turn made it a quarter faster than one.
 */
function accumulate(
  half: Float64Array,
  taken: number,
  blocks: Float64Array,
  block: number,
  width: number,
): void {
  const from = taken * width;
  const to = from + width;
  const at = block * width;
  for (let i = 0; i < width; i += 2) {
    half[to + i] = half[from + i]! + blocks[at + i]!;
    half[to + i + 1] = half[from + i + 1]! + blocks[at + i + 1]!;
  }
}

/** Both halves are full: the split with the first in-sample, and its complement. */
function evaluate(c: Cscv): void {
  const at = c.half * c.width;
  const bestFirst = sharpes(c.first, at, c.rows, c.firstSharpe);
  const bestSecond = sharpes(c.second, at, c.rows, c.secondSharpe);
  record(c, c.secondSharpe, c.secondSharpe[bestFirst]!);
  record(c, c.firstSharpe, c.firstSharpe[bestSecond]!);
}

/** Every trial's Sharpe ratio from the sums at `at`, into `out`; returns the first best trial. */
function sharpes(half: Float64Array, at: number, rows: number, out: Float64Array): number {
  let best = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < out.length; j++) {
    const value = sharpe(half[at + 2 * j]!, half[at + 2 * j + 1]!, rows);
    out[j] = value;
    if (value > max) {
      max = value;
      best = j;
    }
  }
  return best;
}

/**
 * One split: the logit of the in-sample best's rank among the out-of-sample Sharpe ratios.
 * Counted without branches (a Sharpe ratio is never NaN, so equal = at most - below): the
 * comparisons go either way at random and mispredicted branches tripled this loop's time.
 */
function record(c: Cscv, outOfSample: Float64Array, target: number): void {
  let below = 0;
  let atMost = 0;
  for (let j = 0; j < outOfSample.length; j++) {
    const value = outOfSample[j]!;
    below += Number(value < target);
    atMost += Number(value <= target);
  }
  const equal = atMost - below;
  const omega = (below + (equal + 1) / 2) / (outOfSample.length + 1);
  const logit = Math.log(omega / (1 - omega));
  c.logits[c.splits++] = logit;
  if (logit <= 0) c.overfit++;
}

/** Never NaN: without a positive variance (NaN sums included) it is 0. */
function sharpe(sum: number, squares: number, count: number): number {
  const mean = sum / count;
  const variance = (squares - sum * mean) / (count - 1);
  return variance > 0 ? mean / Math.sqrt(variance) : 0;
}

/** C(n, k), exact for the n <= 24 allowed here. */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}
