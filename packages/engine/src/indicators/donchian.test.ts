import { describe, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { donchian } from './donchian.js';

describe('donchian', () => {
  it('spans the highest high and lowest low of the last `period` bars (hand computed)', () => {
    const high = new Float64Array([10, 11, 12, 11, 13]);
    const low = new Float64Array([8, 9, 9, 10, 11]);
    const out = donchian(high, low, 2);
    // bars 0-1: 11 / 8; 1-2: 12 / 9; 2-3: 12 / 9; 3-4: 13 / 10
    expectAllClose(out.upper, [Number.NaN, 11, 12, 12, 13], 0, 'upper');
    expectAllClose(out.lower, [Number.NaN, 8, 9, 9, 10], 0, 'lower');
    expectAllClose(out.middle, [Number.NaN, 9.5, 10.5, 10.5, 11.5], 0, 'middle');
  });
});
