/** Summary of a series of period returns: two passes, no allocation. */
export interface ReturnSummary {
  count: number;
  /** null when count < 1. */
  mean: number | null;
  /** Sample variance (ddof 1); null when count < 2. */
  variance: number | null;
  /** Population central moments mean((r - mean)^k), k = 2, 3, 4; null when count < 1. */
  m2: number | null;
  m3: number | null;
  m4: number | null;
  /** sum(log(1 + r)) over the returns with 1 + r > 0. */
  sumLogGrowth: number;
  /** min(1 + r); Infinity when count is 0. */
  minGrowth: number;
  /** mean(min(r, 0)^2); null when count < 1. */
  downsideMeanSquare: number | null;
  /** sum(max(r, 0)) and sum(max(-r, 0)). */
  upSum: number;
  downSum: number;
  best: number | null;
  worst: number | null;
}

/**
 * `growthLog`, when given, is used as sum(log(1 + r)) instead of one logarithm per return: for
 * consecutive returns of one series it is log(last / first), the sum telescoped (exact up to
 * rounding, which the per-return sum accumulates instead). Ignored when some 1 + r <= 0.
 */
export function summarizeReturns(r: ArrayLike<number>, growthLog?: number): ReturnSummary {
  const n = r.length;
  let sum = 0;
  let sumLogGrowth = 0;
  let minGrowth = Number.POSITIVE_INFINITY;
  let downsideSq = 0;
  let upSum = 0;
  let downSum = 0;
  let best = Number.NEGATIVE_INFINITY;
  let worst = Number.POSITIVE_INFINITY;
  const logEach = growthLog === undefined;
  for (let i = 0; i < n; i++) {
    const x = r[i]!;
    sum += x;
    const growth = 1 + x;
    if (logEach && growth > 0) sumLogGrowth += Math.log(growth);
    if (growth < minGrowth) minGrowth = growth;
    if (x < 0) {
      downsideSq += x * x;
      downSum -= x;
    } else {
      upSum += x;
    }
    if (x > best) best = x;
    if (x < worst) worst = x;
  }
  if (growthLog !== undefined) {
    if (minGrowth > 0) {
      sumLogGrowth = growthLog;
    } else {
      // A wipe-out breaks the telescoping: sum the logs of the positive growths one by one.
      for (let i = 0; i < n; i++) if (1 + r[i]! > 0) sumLogGrowth += Math.log(1 + r[i]!);
    }
  }
  if (n === 0) {
    return {
      count: 0,
      mean: null,
      variance: null,
      m2: null,
      m3: null,
      m4: null,
      sumLogGrowth,
      minGrowth,
      downsideMeanSquare: null,
      upSum,
      downSum,
      best: null,
      worst: null,
    };
  }
  const mean = sum / n;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = r[i]! - mean;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return {
    count: n,
    mean,
    variance: n >= 2 ? s2 / (n - 1) : null,
    m2: s2 / n,
    m3: s3 / n,
    m4: s4 / n,
    sumLogGrowth,
    minGrowth,
    downsideMeanSquare: downsideSq / n,
    upSum,
    downSum,
    best,
    worst,
  };
}

/** Mean and sample standard deviation (ddof 1); null members when too short. */
export function meanAndStd(x: ArrayLike<number>): { mean: number | null; std: number | null } {
  const n = x.length;
  if (n === 0) return { mean: null, std: null };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  if (n < 2) return { mean, std: null };
  let s2 = 0;
  for (let i = 0; i < n; i++) s2 += (x[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(s2 / (n - 1)) };
}

/**
 * backtesting.py 0.6.6's geometric_mean: 0 as soon as any 1 + r <= 0, else
 * exp(sum log(1+r) / n) - 1 over the n returns (0.6.6 drops pct_change's leading NaN first;
 * releases before it filled it with 0 and counted it). null without returns (backtesting.py: NaN).
 */
export function geometricMeanBacktestingPy(s: ReturnSummary): number | null {
  if (s.count === 0) return null;
  if (s.minGrowth <= 0) return 0;
  return Math.exp(s.sumLogGrowth / s.count) - 1;
}

/** exp(mean(log(1 + r))) - 1; -1 if some 1 + r is 0; null if some is negative or none exist. */
export function geometricMean(s: ReturnSummary): number | null {
  if (s.count === 0 || s.minGrowth < 0) return null;
  if (s.minGrowth === 0) return -1;
  return Math.exp(s.sumLogGrowth / s.count) - 1;
}
