import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { STOCKCHARTS_MA_CLOSES } from '../../test/reference-data.js';
import { sma } from './sma.js';

function naiveSma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = period - 1; t < values.length; t++) {
    let sum = 0;
    for (let j = t - period + 1; j <= t; j++) sum += values[j]!;
    out[t] = sum / period;
  }
  return out;
}

describe('sma', () => {
  it('averages the last `period` values (hand computed)', () => {
    // (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4
    expect(Array.from(sma(new Float64Array([1, 2, 3, 4, 5]), 3))).toEqual([
      Number.NaN,
      Number.NaN,
      2,
      3,
      4,
    ]);
  });

  it('matches the first 10-day SMA of the StockCharts table', () => {
    // StockCharts prints 22.22; the closes 22.27 .. 22.29 sum to 222.21.
    const out = sma(new Float64Array(STOCKCHARTS_MA_CLOSES), 10);
    expect(out[9]).toBeCloseTo(222.21 / 10, 12);
    expect(out[9]!.toFixed(2)).toBe('22.22');
  });

  it('is the repeated value itself over a flat window, not a running sum with rounding noise', () => {
    // 0.1 + 0.7 ... leaves the running sum off by an ulp; a flat window must not inherit that.
    const values = new Float64Array([0.7, 0.1, 0.3, 0.9, ...Array(50).fill(171.4359), 3, 4]);
    const out = sma(values, 7);
    for (let i = 4 + 6; i < 54; i++) expect(out[i]).toBe(171.4359);
    expect(out[54]).toBeCloseTo((171.4359 * 6 + 3) / 7, 12);
  });

  it.each([1, 10, 30, 200])(
    'matches a naive O(n * period) mean on GOOG closes, period %i',
    (period) => {
      const close = loadBars('GOOG').close;
      expectAllClose(sma(close, period), naiveSma(close, period), 1e-9, `SMA(${period})`);
    },
  );
});
