import type { ReturnBasis } from './stats-schema.js';
import { monthIndex, weekday } from './time.js';

/**
 * The calendar bucket of an epoch day for a resampling basis (pandas `resample(...)`): the day
 * itself; the Sunday ending its week (pandas 'W'); year*12 + month; the year.
 */
export function bucketKey(day: number, basis: ReturnBasis): number {
  switch (basis) {
    case 'day':
      return day;
    case 'week':
      return day + 6 - weekday(day);
    case 'month':
      return monthIndex(day);
    case 'year':
      return Math.floor(monthIndex(day) / 12);
  }
}

/**
 * Simple returns between consecutive bucket-end values: r[k] = v[ends[k+1]] / v[ends[k]] - 1,
 * written into `into` when given (it must hold ends.length - 1 values).
 */
export function periodReturns(
  values: Float64Array,
  ends: Int32Array,
  into?: Float64Array,
): Float64Array {
  const out = into ?? new Float64Array(Math.max(0, ends.length - 1));
  for (let k = 0; k < out.length; k++) out[k] = values[ends[k + 1]!]! / values[ends[k]!]! - 1;
  return out;
}

/**
 * Active returns a[k] = r[k] - rb[k], rb the period returns of buying `close` on bar `warmup` and
 * holding it: its value is C[max(t, warmup)], so buckets before the warm-up bar earn nothing, as
 * the strategy's cash does. `r` are the equity's period returns over the same `ends`.
 */
export function activeReturns(
  r: Float64Array,
  close: Float64Array,
  warmup: number,
  ends: Int32Array,
): Float64Array {
  const out = new Float64Array(r.length);
  for (let k = 0; k < out.length; k++) {
    const held = close[Math.max(ends[k + 1]!, warmup)]! / close[Math.max(ends[k]!, warmup)]! - 1;
    out[k] = r[k]! - held;
  }
  return out;
}

/**
 * `activeReturns(r, close, warmup, ends)` written over `r` itself, value for value the same:
 * computeStats has no use for `r` afterwards, and a column fewer to allocate and page in costs
 * less than the pass. `benchmark`, when given, is `periodReturns(close, ends)`: from the first
 * bucket that starts at or after the warm-up bar on, the held returns are exactly those, read
 * instead of divided again.
 */
export function toActiveReturns(
  r: Float64Array,
  close: Float64Array,
  warmup: number,
  ends: Int32Array,
  benchmark?: Float64Array,
): Float64Array {
  if (r.length === 0) return r;
  const first = ends[0]!;
  let heldFrom = close[Math.max(first, warmup)]!;
  let k = 0;
  for (; k < r.length; k++) {
    if (benchmark !== undefined && ends[k]! >= warmup) break;
    const to = ends[k + 1]!;
    const heldTo = close[Math.max(to, warmup)]!;
    r[k] = r[k]! - (heldTo / heldFrom - 1);
    heldFrom = heldTo;
  }
  for (; k < r.length; k++) r[k] = r[k]! - benchmark![k]!;
  return r;
}
