import { assertFraction, assertOutput, assertPeriod } from './validate.js';

/**
 * Rolling percentile: out[t] is the value at rank `p` (a fraction in [0, 1]; 0.8 = the 80th
 * percentile) of values[t-period+1..t], interpolated linearly between the two nearest order
 * statistics at position p * (period - 1), the default of numpy.percentile and pandas'
 * rolling().quantile(). First defined at period - 1.
 *
 * The window is kept sorted in one buffer: each bar removes the value leaving and inserts the
 * one arriving by binary search and a block move, O(period) per bar with no allocation.
 * Inputs must be finite (NaN has no place in a sorted order).
 */
export function rollingPercentile(
  values: Float64Array,
  period: number,
  p: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  assertPeriod(period);
  assertFraction(p, 'p');
  assertOutput(out, values.length);
  const n = values.length;
  out.fill(Number.NaN, 0, Math.min(n, period - 1));
  const sorted = new Float64Array(Math.min(period, n));
  const position = p * (period - 1);
  const below = Math.floor(position);
  const weight = position - below;
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (i >= period) {
      const at = lowerBound(sorted, size, values[i - period]!);
      sorted.copyWithin(at, at + 1, size);
      size--;
    }
    const value = values[i]!;
    const at = lowerBound(sorted, size, value);
    sorted.copyWithin(at + 1, at, size);
    sorted[at] = value;
    size++;
    if (i >= period - 1) {
      const low = sorted[below]!;
      out[i] = weight === 0 ? low : low + (sorted[below + 1]! - low) * weight;
    }
  }
  return out;
}

/** First index in sorted[0..size) whose value is >= `value`. */
function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
