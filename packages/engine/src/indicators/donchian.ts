import { highest, lowest } from './extremes.js';
import { assertOutput, assertPeriod, assertSameLength } from './validate.js';

export interface DonchianOutput {
  /** Highest high of the last `period` bars, bar t included. */
  upper: Float64Array;
  /** Lowest low of the last `period` bars, bar t included. */
  lower: Float64Array;
  /** (upper + lower) / 2. */
  middle: Float64Array;
}

/** Donchian channel over the last `period` bars (bar t included); first defined at period - 1. */
export function donchian(
  high: Float64Array,
  low: Float64Array,
  period = 20,
  out: DonchianOutput = allocateDonchian(high.length),
): DonchianOutput {
  assertPeriod(period);
  const n = assertSameLength({ high, low });
  assertOutput(out.upper, n, 'out.upper');
  assertOutput(out.lower, n, 'out.lower');
  assertOutput(out.middle, n, 'out.middle');
  const upper = highest(high, period, out.upper);
  const lower = lowest(low, period, out.lower);
  for (let i = 0; i < n; i++) out.middle[i] = (upper[i]! + lower[i]!) / 2;
  return out;
}

function allocateDonchian(length: number): DonchianOutput {
  return {
    upper: new Float64Array(length),
    lower: new Float64Array(length),
    middle: new Float64Array(length),
  };
}
