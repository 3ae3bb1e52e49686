import { assertOutput, assertPeriod, assertSameLength } from './validate.js';

/**
 * Rolling volume-weighted average price over the last `period` bars (bar t included):
 * sum(typical * volume) / sum(volume), typical = (high + low + close) / 3; first defined at
 * period - 1. A window without volume has no volume weights; it falls back to the plain mean of
 * the typical prices (every bar weighted alike) rather than 0 / 0.
 *
 * One pass with running sums, recomputed exactly every `period` bars (as `sma`); whether the
 * window has volume is tracked by an exact count, not by testing a float sum against 0.
 */
export function vwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 20,
  out: Float64Array = new Float64Array(high.length),
): Float64Array {
  assertPeriod(period);
  const n = assertSameLength({ high, low, close, volume });
  assertOutput(out, n);
  out.fill(Number.NaN, 0, Math.min(n, period - 1));
  let priceVolume = 0;
  let totalVolume = 0;
  let totalPrice = 0;
  let barsWithVolume = 0;
  for (let i = 0; i < n; i++) {
    const typical = (high[i]! + low[i]! + close[i]!) / 3;
    const v = volume[i]!;
    priceVolume += typical * v;
    totalVolume += v;
    totalPrice += typical;
    if (v !== 0) barsWithVolume++;
    if (i >= period) {
      const j = i - period;
      const old = (high[j]! + low[j]! + close[j]!) / 3;
      const oldVolume = volume[j]!;
      priceVolume -= old * oldVolume;
      totalVolume -= oldVolume;
      totalPrice -= old;
      if (oldVolume !== 0) barsWithVolume--;
    }
    if (i < period - 1) continue;
    if ((i - period + 1) % period === 0) {
      priceVolume = 0;
      totalVolume = 0;
      totalPrice = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const t = (high[j]! + low[j]! + close[j]!) / 3;
        priceVolume += t * volume[j]!;
        totalVolume += volume[j]!;
        totalPrice += t;
      }
    }
    out[i] = barsWithVolume > 0 ? priceVolume / totalVolume : totalPrice / period;
  }
  return out;
}
