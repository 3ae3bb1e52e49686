import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { STOCKCHARTS_RSI_CLOSES } from '../../test/reference-data.js';
import { rsi } from './rsi.js';

/** Wilder's RSI at bar t, recomputed from bar 0 for every t, straight from the definition in rsi.ts. */
function naiveRsi(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = period; t < values.length; t++) {
    let gain = 0;
    let loss = 0;
    for (let j = 1; j <= period; j++) {
      const d = values[j]! - values[j - 1]!;
      gain += Math.max(d, 0) / period;
      loss += Math.max(-d, 0) / period;
    }
    for (let j = period + 1; j <= t; j++) {
      const d = values[j]! - values[j - 1]!;
      gain = ((period - 1) * gain + Math.max(d, 0)) / period;
      loss = ((period - 1) * loss + Math.max(-d, 0)) / period;
    }
    out[t] = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
  }
  return out;
}

describe('rsi', () => {
  it('is first defined at bar `period` (hand computed)', () => {
    // period 2 over [1, 2, 1, 3]: changes +1, -1, +2. Bar 2: gain (1+0)/2, loss (0+1)/2 -> 50.
    // Bar 3: gain (0.5 + 2)/2 = 1.25, loss (0.5 + 0)/2 = 0.25, RS 5 -> 100 - 100/6.
    const out = rsi(new Float64Array([1, 2, 1, 3]), 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expectAllClose(out.subarray(2), [50, 100 - 100 / 6], 1e-15);
  });

  it('is 100 without losses and 50 without any change (as rsi.ts defines it)', () => {
    expect(Array.from(rsi(new Float64Array([1, 2, 3, 3, 4]), 2).subarray(2))).toEqual([
      100, 100, 100,
    ]);
    expect(Array.from(rsi(new Float64Array([7, 7, 7, 7]), 2).subarray(2))).toEqual([50, 50]);
  });

  it('reproduces the StockCharts RSI table computed without intermediate rounding', () => {
    const out = rsi(new Float64Array(STOCKCHARTS_RSI_CLOSES), 14);
    // First value by hand: gains of changes 1..14 sum to 3.34, losses to 1.40, so
    // RSI = 100 - 100 / (1 + 3.34 / 1.40) = 100 * 3.34 / 4.74 = 70.4641 (StockCharts' spreadsheet,
    // which rounds intermediate values, prints 70.53).
    expect(out[14]).toBeCloseTo((100 * 3.34) / 4.74, 10);
    // The whole column computed without rounding, to 2 decimals, as other RSI implementations'
    // test suites publish it for these closes.
    const expected = [
      70.46, 66.25, 66.48, 69.35, 66.29, 57.92, 62.88, 63.21, 56.01, 62.34, 54.67, 50.39, 40.02,
      41.49, 41.9, 45.5, 37.32, 33.09, 37.79,
    ];
    expect(Array.from(out.subarray(14), (v) => Number(v.toFixed(2)))).toEqual(expected);
  });

  it.each([2, 14, 30])(
    'matches a from-scratch recomputation on GOOG closes, period %i',
    (period) => {
      const close = loadBars('GOOG').close;
      expectAllClose(rsi(close, period), naiveRsi(close, period), 1e-9, `RSI(${period})`);
    },
  );
});
