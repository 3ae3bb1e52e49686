import { ema } from './ema.js';
import { assertOutput, assertPeriod } from './validate.js';

export interface MacdOutput {
  /** EMA(fast) - EMA(slow); first defined at slow - 1. */
  macd: Float64Array;
  /** EMA(signal) of the MACD line, seeded with the SMA of its first `signal` values; first defined
   * at slow + signal - 2. */
  signal: Float64Array;
  /** macd - signal; first defined at slow + signal - 2. */
  histogram: Float64Array;
}

/**
 * Moving average convergence/divergence (Appel). Each EMA follows `ema`'s convention (SMA seed),
 * each computed from the start of the series, as StockCharts does. TA-Lib instead delays the fast
 * EMA's seed so both start on the same bar; its values differ for a while after the warm-up.
 * @throws RangeError unless fast < slow.
 */
export function macd(
  values: Float64Array,
  fast = 12,
  slow = 26,
  signal = 9,
  out: MacdOutput = allocateMacd(values.length),
): MacdOutput {
  assertPeriod(fast, 'fast');
  assertPeriod(slow, 'slow');
  assertPeriod(signal, 'signal');
  if (fast >= slow) {
    throw new RangeError(`fast must be < slow (got fast=${fast}, slow=${slow})`);
  }
  const n = values.length;
  assertOutput(out.macd, n, 'out.macd');
  assertOutput(out.signal, n, 'out.signal');
  assertOutput(out.histogram, n, 'out.histogram');
  const line = ema(values, fast, out.macd);
  const slowAverage = ema(values, slow, out.histogram);
  for (let i = 0; i < n; i++) line[i] = line[i]! - slowAverage[i]!;
  const start = Math.min(n, slow - 1);
  out.signal.fill(Number.NaN, 0, start);
  ema(line.subarray(start), signal, out.signal.subarray(start));
  for (let i = 0; i < n; i++) out.histogram[i] = line[i]! - out.signal[i]!;
  return out;
}

function allocateMacd(length: number): MacdOutput {
  return {
    macd: new Float64Array(length),
    signal: new Float64Array(length),
    histogram: new Float64Array(length),
  };
}
