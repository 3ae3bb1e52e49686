import { describe, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { vwap } from './vwap.js';

function naiveVwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
): Float64Array {
  const out = new Float64Array(high.length).fill(Number.NaN);
  for (let t = period - 1; t < high.length; t++) {
    let pv = 0;
    let v = 0;
    for (let j = t - period + 1; j <= t; j++) {
      pv += ((high[j]! + low[j]! + close[j]!) / 3) * volume[j]!;
      v += volume[j]!;
    }
    out[t] = pv / v;
  }
  return out;
}

describe('vwap', () => {
  it('weighs typical prices by volume, falling back to their mean without volume (hand computed)', () => {
    const high = new Float64Array([12, 15, 14, 10]);
    const low = new Float64Array([8, 9, 10, 8]);
    const close = new Float64Array([10, 12, 12, 9]);
    const volume = new Float64Array([100, 300, 0, 0]);
    // typical prices 10, 12, 12, 9. Bars 0-1: (10*100 + 12*300)/400 = 11.5; bars 1-2: 12;
    // bars 2-3 have no volume: (12 + 9)/2 = 10.5
    expectAllClose(vwap(high, low, close, volume, 2), [Number.NaN, 11.5, 12, 10.5], 1e-15);
  });

  it.each(['GOOG', 'BTCUSD'] as const)('matches a naive windowed sum on %s, period 20', (name) => {
    const { high, low, close, volume } = loadBars(name);
    expectAllClose(
      vwap(high, low, close, volume, 20),
      naiveVwap(high, low, close, volume, 20),
      1e-9,
    );
  });
});
