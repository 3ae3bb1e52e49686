import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { STOCKCHARTS_MA_CLOSES } from '../../test/reference-data.js';
import { ema } from './ema.js';

/**
 * The closed form of the SMA-seeded EMA, evaluated from scratch at every bar:
 * EMA[t] = (1-a)^(t-p+1) * SMA(first p) + sum over j = p..t of a * (1-a)^(t-j) * x[j].
 */
function naiveEma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const a = 2 / (period + 1);
  let seed = 0;
  for (let j = 0; j < period; j++) seed += values[j]! / period;
  for (let t = period - 1; t < values.length; t++) {
    let value = (1 - a) ** (t - period + 1) * seed;
    for (let j = period; j <= t; j++) value += a * (1 - a) ** (t - j) * values[j]!;
    out[t] = value;
  }
  return out;
}

describe('ema', () => {
  it('is seeded with the SMA and then smooths with alpha = 2 / (period + 1) (hand computed)', () => {
    // period 2, alpha 2/3: seed (2+4)/2 = 3; 3 + 2/3*(6-3) = 5; 5 + 2/3*(2-5) = 3;
    // 3 + 2/3*(10-3) = 23/3
    const out = ema(new Float64Array([2, 4, 6, 2, 10]), 2);
    expect(out[0]).toBeNaN();
    expectAllClose(out.subarray(1), [3, 5, 3, 23 / 3], 1e-15);
  });

  it('reproduces the StockCharts 10-day EMA table (printed to 2 decimals)', () => {
    // StockCharts ChartSchool "Moving Averages - Simple and Exponential", EMA column.
    const published = [
      22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51,
      23.53, 23.47, 23.4, 23.39, 23.26, 23.23, 23.08, 22.92,
    ];
    const out = ema(new Float64Array(STOCKCHARTS_MA_CLOSES), 10);
    expect(out.subarray(0, 9).every(Number.isNaN)).toBe(true);
    published.forEach((value, i) => {
      expect(Math.abs(out[9 + i]! - value), `EMA[${9 + i}] = ${out[9 + i]}`).toBeLessThanOrEqual(
        0.005 + 1e-9,
      );
    });
  });

  it.each([1, 10, 26, 50])('matches the closed form on GOOG closes, period %i', (period) => {
    const close = loadBars('GOOG').close;
    expectAllClose(ema(close, period), naiveEma(close, period), 1e-9, `EMA(${period})`);
  });

  it('may write over its input', () => {
    const values = loadBars('GOOG').close.slice(0, 300);
    const expected = ema(values, 20);
    expect(Array.from(ema(values, 20, values))).toEqual(Array.from(expected));
  });
});
