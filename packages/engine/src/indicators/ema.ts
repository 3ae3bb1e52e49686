import { assertOutput, assertPeriod } from './validate.js';

/**
 * Exponential moving average with alpha = 2 / (period + 1):
 * out[t] = out[t-1] + alpha * (values[t] - out[t-1]).
 *
 * Warm-up: seeded with the SMA of the first `period` values, so out[period-1] is that SMA, NaN
 * before it (first defined at period - 1). This is the convention of StockCharts and TA-Lib; it
 * gives EMA the same warm-up as SMA, so a strategy's start bar does not change when it swaps one
 * average for the other, and no single opening price dominates the early values (pandas'
 * `ewm(adjust=False)` seeds with values[0] and is defined from bar 0 instead).
 * `out` (same length as `values`) may be `values` itself.
 */
export function ema(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  if (n < period) return out.fill(Number.NaN);
  let sum = 0;
  for (let i = 0; i < period; i++) sum += values[i]!;
  out.fill(Number.NaN, 0, period - 1);
  let average = sum / period;
  out[period - 1] = average;
  const alpha = 2 / (period + 1);
  for (let i = period; i < n; i++) {
    average += alpha * (values[i]! - average);
    out[i] = average;
  }
  return out;
}
