import { assertOutput, assertPeriod, assertSameLength } from './validate.js';

/**
 * Wilder's average true range. The true range of bar t >= 1 is
 * max(high - low, |high - previous close|, |low - previous close|); the first ATR is the simple
 * mean of TR[1..period], then ATR = ((period - 1) * ATR + TR) / period.
 *
 * Warm-up: first defined at `period`, NaN before. Bar 0 has no previous close, so it has no true
 * range; starting at bar 1 keeps every averaged value a true range, like `rsi` (whose changes also
 * start at bar 1) and TA-Lib's ATR. StockCharts instead counts high - low of bar 0 and starts at
 * period - 1.
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out: Float64Array = new Float64Array(high.length),
): Float64Array {
  assertPeriod(period);
  const n = assertSameLength({ high, low, close });
  assertOutput(out, n);
  if (n <= period) return out.fill(Number.NaN);
  out.fill(Number.NaN, 0, period);
  let average = 0;
  for (let i = 1; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const previousClose = close[i - 1]!;
    const range = Math.max(h - l, Math.abs(h - previousClose), Math.abs(l - previousClose));
    if (i < period) {
      average += range;
    } else if (i === period) {
      average = (average + range) / period;
      out[i] = average;
    } else {
      average = ((period - 1) * average + range) / period;
      out[i] = average;
    }
  }
  return out;
}
