import { assertOutput, assertSameLength } from './validate.js';

/**
 * On-balance volume (Granville): out[0] = 0, then the bar's volume is added when the close rose,
 * subtracted when it fell, and ignored when it did not change. Defined from bar 0: it starts at
 * 0 because nothing has happened before the first bar (TA-Lib starts at volume[0]; only the
 * level differs, never a change).
 */
export function obv(
  close: Float64Array,
  volume: Float64Array,
  out: Float64Array = new Float64Array(close.length),
): Float64Array {
  const n = assertSameLength({ close, volume });
  assertOutput(out, n);
  if (n === 0) return out;
  let total = 0;
  out[0] = 0;
  for (let i = 1; i < n; i++) {
    const change = close[i]! - close[i - 1]!;
    if (change > 0) total += volume[i]!;
    else if (change < 0) total -= volume[i]!;
    out[i] = total;
  }
  return out;
}
