import type { Bars } from '@hindsight/engine';
import type { TimeRange } from '../time/ranges.js';

/** First index whose value is >= `value` in an ascending array. */
function lowerBound(values: Float64Array, value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bars with range.from <= time < range.to, as views of the same memory. */
export function barsWithin(bars: Bars, range: TimeRange): Bars {
  const start = lowerBound(bars.time, range.from);
  const end = Math.max(start, lowerBound(bars.time, range.to));
  return {
    length: end - start,
    time: bars.time.subarray(start, end),
    open: bars.open.subarray(start, end),
    high: bars.high.subarray(start, end),
    low: bars.low.subarray(start, end),
    close: bars.close.subarray(start, end),
    volume: bars.volume.subarray(start, end),
  };
}
