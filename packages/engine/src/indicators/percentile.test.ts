import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { rollingPercentile } from './percentile.js';

/** numpy.percentile's default ('linear') method on a freshly sorted copy of each window. */
function naivePercentile(values: Float64Array, period: number, p: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = period - 1; t < values.length; t++) {
    const sorted = Array.from(values.subarray(t - period + 1, t + 1)).sort((a, b) => a - b);
    const position = p * (period - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, period - 1);
    out[t] = sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
  }
  return out;
}

describe('rollingPercentile', () => {
  it('interpolates between order statistics like numpy.percentile (hand computed)', () => {
    const values = new Float64Array([5, 1, 4, 2, 3]);
    // window (5,1,4,2) sorted 1,2,4,5: median at position 1.5 -> 2 + 0.5*(4-2) = 3;
    // window (1,4,2,3) sorted 1,2,3,4 -> 2.5. np.percentile([5,1,4,2], 80) = 4 + 0.4*(5-4) = 4.4
    expectAllClose(
      rollingPercentile(values, 4, 0.5),
      [Number.NaN, Number.NaN, Number.NaN, 3, 2.5],
      1e-15,
    );
    expect(rollingPercentile(values, 4, 0.8)[3]).toBeCloseTo(4.4, 14);
    expect(Array.from(rollingPercentile(values, 4, 0).subarray(3))).toEqual([1, 1]);
    expect(Array.from(rollingPercentile(values, 4, 1).subarray(3))).toEqual([5, 4]);
  });

  it.each([0, 0.2, 0.5, 0.8, 1])('matches sorting every window of GOOG volumes, p = %s', (p) => {
    const volume = loadBars('GOOG').volume;
    expectAllClose(rollingPercentile(volume, 50, p), naivePercentile(volume, 50, p), 1e-12);
  });

  it('keeps duplicates apart when the window slides over them', () => {
    const values = new Float64Array([2, 2, 1, 2, 3, 3, 3, 1]);
    expectAllClose(rollingPercentile(values, 3, 0.5), naivePercentile(values, 3, 0.5), 0);
  });
});
