import { assertOutput, assertPeriod } from './validate.js';

/**
 * Wilder's relative strength index (its one written definition is this one): the changes
 * d[t] = values[t] - values[t-1] split into gains and losses; the first averages are the simple
 * means of changes 1..period; then avg = ((period - 1) * avg + x) / period;
 * RSI = 100 - 100 / (1 + avgGain / avgLoss), 100 when avgLoss = 0, 50 when both are 0.
 *
 * Warm-up: the first average needs `period` changes, hence period + 1 values, so out[period] is
 * the first defined value and out[0..period-1] are NaN. `out` may be `values` itself.
 */
export function rsi(
  values: Float64Array,
  period = 14,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  if (n <= period) return out.fill(Number.NaN);
  let gain = 0;
  let loss = 0;
  let previous = values[0]!;
  for (let i = 1; i <= period; i++) {
    const value = values[i]!;
    const change = value - previous;
    previous = value;
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  out.fill(Number.NaN, 0, period);
  out[period] = rsiFromAverages(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const value = values[i]!;
    const change = value - previous;
    previous = value;
    gain = ((period - 1) * gain + Math.max(change, 0)) / period;
    loss = ((period - 1) * loss + Math.max(-change, 0)) / period;
    out[i] = rsiFromAverages(gain, loss);
  }
  return out;
}

function rsiFromAverages(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? 50 : 100;
  return 100 - 100 / (1 + gain / loss);
}
