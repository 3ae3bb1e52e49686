import { assertOutput, assertPeriod } from './validate.js';

/**
 * Simple moving average: out[t] = mean(values[t-period+1..t]); NaN for t < period - 1.
 * A running sum, re-summed every `period` bars so floating error cannot accumulate. A window of
 * one repeated value averages to that value exactly (as pandas' rolling mean does): a running sum
 * would leave rounding noise there, and two averages of a flat market would then "cross" on it.
 * `out` (same length as `values`) must not overlap `values`.
 */
export function sma(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  out.fill(Number.NaN, 0, Math.min(n, period - 1));
  let sum = 0;
  const warm = Math.min(n, period - 1);
  let same = 0;
  for (let i = 0; i < warm; i++) {
    sum += values[i]!;
    same = i > 0 && values[i] === values[i - 1] ? same + 1 : 1;
  }
  // Re-summed at i = period - 1 + k * period: a countdown instead of a modulo on every bar.
  let resumeIn = 0;
  for (let i = warm; i < n; i++) {
    const v = values[i]!;
    same = i > 0 && v === values[i - 1] ? same + 1 : 1;
    sum += v;
    if (i >= period) sum -= values[i - period]!;
    if (resumeIn === 0) {
      sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += values[j]!;
      resumeIn = period;
    }
    resumeIn--;
    out[i] = same >= period ? v : sum / period;
  }
  return out;
}
