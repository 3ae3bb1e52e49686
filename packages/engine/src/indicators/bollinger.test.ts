import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { bollinger } from './bollinger.js';
import { sma } from './sma.js';

/** Two-pass population standard deviation of each window. */
function naiveSigma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = period - 1; t < values.length; t++) {
    let mean = 0;
    for (let j = t - period + 1; j <= t; j++) mean += values[j]! / period;
    let squares = 0;
    for (let j = t - period + 1; j <= t; j++) squares += (values[j]! - mean) ** 2;
    out[t] = Math.sqrt(squares / period);
  }
  return out;
}

describe('bollinger', () => {
  it('uses the population standard deviation (Wikipedia "Standard deviation" example)', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9 has mean 5 and population standard deviation 2.
    const out = bollinger(new Float64Array([2, 4, 4, 4, 5, 5, 7, 9]), 8, 2);
    expect(out.middle[7]).toBe(5);
    expect(out.upper[7]).toBeCloseTo(9, 14);
    expect(out.lower[7]).toBeCloseTo(1, 14);
  });

  it('slides the window (hand computed, period 3, 1 sigma)', () => {
    // windows (2,4,4): mean 10/3, squares 16/9 + 4/9 + 4/9 = 24/9, sigma sqrt(8/9)
    //         (4,4,4): sigma 0;  (4,4,5): mean 13/3, squares 1/9 + 1/9 + 4/9, sigma sqrt(2/9)
    const out = bollinger(new Float64Array([2, 4, 4, 4, 5]), 3, 1);
    const sigma = [Math.sqrt(8 / 9), 0, Math.sqrt(2 / 9)];
    const middle = [10 / 3, 4, 13 / 3];
    expectAllClose(out.middle.subarray(2), middle, 1e-15, 'middle');
    for (let k = 0; k < 3; k++) {
      expect(out.upper[2 + k]).toBeCloseTo(middle[k]! + sigma[k]!, 12);
      expect(out.lower[2 + k]).toBeCloseTo(middle[k]! - sigma[k]!, 12);
    }
  });

  it('has the SMA as its middle band, and naive two-pass bands on GOOG closes', () => {
    const close = loadBars('GOOG').close;
    const out = bollinger(close, 20, 2);
    expect(Array.from(out.middle)).toEqual(Array.from(sma(close, 20)));
    const sigma = naiveSigma(close, 20);
    const middle = sma(close, 20);
    expectAllClose(
      out.upper,
      middle.map((m, i) => m + 2 * sigma[i]!),
      1e-9,
      'upper',
    );
    expectAllClose(
      out.lower,
      middle.map((m, i) => m - 2 * sigma[i]!),
      1e-9,
      'lower',
    );
    // The width itself, not just the band level, to 1e-9 of the price.
    for (let i = 19; i < close.length; i++) {
      const width = (out.upper[i]! - out.lower[i]!) / 4;
      expect(Math.abs(width - sigma[i]!), `sigma[${i}]`).toBeLessThanOrEqual(1e-9 * close[i]!);
    }
  });

  it('keeps the width accurate when prices sit far above their spread', () => {
    // A sum-of-squares formula would lose ~all digits here: 1e8 ** 2 swamps a variance of ~1.
    const close = loadBars('GOOG').close.map((c, i) => 1e8 + (c % 7) + (i % 3));
    const out = bollinger(close, 20, 1);
    const sigma = naiveSigma(close, 20);
    for (let i = 19; i < close.length; i++) {
      const width = (out.upper[i]! - out.lower[i]!) / 2;
      expect(Math.abs(width - sigma[i]!), `sigma[${i}]`).toBeLessThanOrEqual(1e-6);
    }
  });
});
