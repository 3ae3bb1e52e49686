import { assertOutput, assertPeriod } from './validate.js';

/**
 * Linearly weighted moving average: the newest value weighs `period`, the oldest 1,
 * out[t] = sum(k * values[t-period+k], k = 1..period) / (period * (period + 1) / 2);
 * NaN for t < period - 1 (first defined at period - 1, like SMA).
 *
 * One pass: dropping the oldest value lowers every other weight by one, so the weighted sum
 * moves by `period * new - previous plain sum`. Both sums are recomputed exactly every `period`
 * bars so floating error cannot accumulate. `out` must not overlap `values`.
 */
export function wma(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  out.fill(Number.NaN, 0, Math.min(n, period - 1));
  const divisor = (period * (period + 1)) / 2;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (i < period) {
      weighted += (i + 1) * value;
      sum += value;
    } else if ((i - period + 1) % period === 0) {
      sum = 0;
      weighted = 0;
      for (let k = 1; k <= period; k++) {
        const v = values[i - period + k]!;
        sum += v;
        weighted += k * v;
      }
    } else {
      weighted += period * value - sum;
      sum += value - values[i - period]!;
    }
    if (i >= period - 1) out[i] = weighted / divisor;
  }
  return out;
}
