import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { loadBars } from '../../test/csv-bars.js';
import { wma } from './wma.js';

function naiveWma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = period - 1; t < values.length; t++) {
    let weighted = 0;
    let weights = 0;
    for (let k = 1; k <= period; k++) {
      weighted += k * values[t - period + k]!;
      weights += k;
    }
    out[t] = weighted / weights;
  }
  return out;
}

describe('wma', () => {
  it('weighs the newest value `period` and the oldest 1 (hand computed)', () => {
    // period 3, weights 1, 2, 3 over 6: (1+4+9)/6, (2+6+12)/6, (3+8+15)/6
    const out = wma(new Float64Array([1, 2, 3, 4, 5]), 3);
    expect(out.subarray(0, 2).every(Number.isNaN)).toBe(true);
    expectAllClose(out.subarray(2), [14 / 6, 20 / 6, 26 / 6], 1e-15);
  });

  it.each([1, 2, 10, 30])('matches a naive weighted sum on GOOG closes, period %i', (period) => {
    const close = loadBars('GOOG').close;
    expectAllClose(wma(close, period), naiveWma(close, period), 1e-9, `WMA(${period})`);
  });
});
