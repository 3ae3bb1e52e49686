import { highest, lowest } from './extremes.js';
import { sma } from './sma.js';
import { assertOutput, assertPeriod, assertSameLength } from './validate.js';

export interface StochasticOutput {
  /** %K = 100 * (close - lowest low) / (highest high - lowest low) over kPeriod bars;
   * first defined at kPeriod - 1. */
  k: Float64Array;
  /** %D = SMA(dPeriod) of %K; first defined at kPeriod + dPeriod - 2. */
  d: Float64Array;
}

/**
 * Lane's (fast) stochastic oscillator. When the highest high equals the lowest low the ratio is
 * 0 / 0; %K is then 50, the middle of the scale (the close sits at both extremes), the same
 * choice `rsi` makes for a window without changes, so a flat market reads as neutral.
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod = 14,
  dPeriod = 3,
  out: StochasticOutput = allocateStochastic(high.length),
): StochasticOutput {
  assertPeriod(kPeriod, 'kPeriod');
  assertPeriod(dPeriod, 'dPeriod');
  const n = assertSameLength({ high, low, close });
  assertOutput(out.k, n, 'out.k');
  assertOutput(out.d, n, 'out.d');
  // out.d holds the lowest lows until %K is done, so the pass allocates no scratch column.
  const top = highest(high, kPeriod, out.k);
  const bottom = lowest(low, kPeriod, out.d);
  for (let i = kPeriod - 1; i < n; i++) {
    const range = top[i]! - bottom[i]!;
    top[i] = range === 0 ? 50 : (100 * (close[i]! - bottom[i]!)) / range;
  }
  const start = Math.min(n, kPeriod - 1);
  out.d.fill(Number.NaN, 0, start);
  sma(out.k.subarray(start), dPeriod, out.d.subarray(start));
  return out;
}

function allocateStochastic(length: number): StochasticOutput {
  return { k: new Float64Array(length), d: new Float64Array(length) };
}
