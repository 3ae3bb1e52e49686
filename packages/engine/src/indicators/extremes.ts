import { assertOutput, assertPeriod } from './validate.js';

/** out[t] = max(values[t-period+1..t]); NaN for t < period - 1. `out` must not overlap `values`. */
export function highest(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  return rollingExtreme(values, period, out, true);
}

/** out[t] = min(values[t-period+1..t]); NaN for t < period - 1. `out` must not overlap `values`. */
export function lowest(
  values: Float64Array,
  period: number,
  out: Float64Array = new Float64Array(values.length),
): Float64Array {
  return rollingExtreme(values, period, out, false);
}

/**
 * A monotonic deque of indices (a ring of `period` slots): each index enters and leaves once, so
 * the pass is O(n) whatever the period. Inputs must be finite (NaN would never leave the deque).
 */
function rollingExtreme(
  values: Float64Array,
  period: number,
  out: Float64Array,
  max: boolean,
): Float64Array {
  assertPeriod(period);
  assertOutput(out, values.length);
  const n = values.length;
  const ring = new Int32Array(Math.min(period, Math.max(n, 1)));
  const capacity = ring.length;
  let head = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (size > 0 && ring[head]! <= i - period) {
      head = head + 1 === capacity ? 0 : head + 1;
      size--;
    }
    while (size > 0) {
      const back = values[ring[(head + size - 1) % capacity]!]!;
      if (max ? back <= value : back >= value) size--;
      else break;
    }
    ring[(head + size) % capacity] = i;
    size++;
    out[i] = i >= period - 1 ? values[ring[head]!]! : Number.NaN;
  }
  return out;
}
