import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { atr } from './atr.js';

describe('atr', () => {
  it('averages true ranges from bar 1 on, then smooths like Wilder (hand computed, period 2)', () => {
    const high = new Float64Array([10, 11, 12, 11.5, 15]);
    const low = new Float64Array([8, 9, 9.5, 10, 14]);
    const close = new Float64Array([9, 10, 11, 10.5, 14.5]);
    // TR1 = max(11-9, |11-9|, |9-9|) = 2; TR2 = max(2.5, |12-10|, |9.5-10|) = 2.5;
    // TR3 = max(1.5, |11.5-11|, |10-11|) = 1.5; TR4 (a gap up) = max(1, |15-10.5|, |14-10.5|) = 4.5
    // ATR2 = (2 + 2.5)/2 = 2.25; ATR3 = (2.25 + 1.5)/2 = 1.875; ATR4 = (1.875 + 4.5)/2 = 3.1875
    const out = atr(high, low, close, 2);
    expectAllClose(out, [Number.NaN, Number.NaN, 2.25, 1.875, 3.1875], 1e-15);
  });

  it('is undefined until a full period of true ranges exists', () => {
    const three = new Float64Array([1, 2, 3]);
    expect(Array.from(atr(three, three, three, 3)).every(Number.isNaN)).toBe(true);
  });
});
