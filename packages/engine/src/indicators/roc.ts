import { assertOutput, assertPeriod } from './validate.js';

/**
 * Rate of change in percent: out[t] = 100 * (values[t] - values[t-period]) / values[t-period];
 * first defined at `period`, NaN before. `out` must not overlap `values`.
 */
export function roc(
  values: Float64Array,
  period = 10,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  out.fill(Number.NaN, 0, Math.min(n, period));
  for (let i = period; i < n; i++) {
    const base = values[i - period]!;
    out[i] = (100 * (values[i]! - base)) / base;
  }
  return out;
}
