import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { highest, lowest } from './extremes.js';

function naive(values: Float64Array, period: number, pick: (...v: number[]) => number) {
  return Array.from(values, (_, t) =>
    t < period - 1 ? Number.NaN : pick(...values.subarray(t - period + 1, t + 1)),
  );
}

describe('highest / lowest', () => {
  it('handles ties and a new extreme on the last bar (hand computed)', () => {
    const values = new Float64Array([3, 1, 3, 2, 5, 0]);
    expect(Array.from(highest(values, 3))).toEqual([Number.NaN, Number.NaN, 3, 3, 5, 5]);
    expect(Array.from(lowest(values, 3))).toEqual([Number.NaN, Number.NaN, 1, 1, 2, 0]);
  });

  it.each([1, 2, 20, 250])(
    'match Math.max / Math.min of each window on GOOG, period %i',
    (period) => {
      const { high, low } = loadBars('GOOG');
      expect(Array.from(highest(high, period))).toEqual(naive(high, period, Math.max));
      expect(Array.from(lowest(low, period))).toEqual(naive(low, period, Math.min));
    },
  );
});
