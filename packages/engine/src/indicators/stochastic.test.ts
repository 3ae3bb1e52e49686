import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { stochastic } from './stochastic.js';

describe('stochastic', () => {
  it('places the close in the recent range and averages it (hand computed, 3 / 2)', () => {
    const high = new Float64Array([10, 11, 12, 11, 13]);
    const low = new Float64Array([8, 9, 9, 10, 11]);
    const close = new Float64Array([9, 10, 11, 10, 13]);
    // %K2 = 100 (11-8)/(12-8) = 75; %K3 = 100 (10-9)/(12-9) = 100/3; %K4 = 100 (13-9)/(13-9) = 100
    // %D3 = (75 + 100/3)/2; %D4 = (100/3 + 100)/2
    const out = stochastic(high, low, close, 3, 2);
    expectAllClose(out.k, [Number.NaN, Number.NaN, 75, 100 / 3, 100], 1e-14, 'k');
    expectAllClose(out.d, [Number.NaN, Number.NaN, Number.NaN, (75 + 100 / 3) / 2, 200 / 3], 1e-14);
  });

  it('reads a window without range as 50, the middle of the scale', () => {
    const flat = new Float64Array([5, 5, 5, 5]);
    expect(Array.from(stochastic(flat, flat, flat, 2, 1).k).slice(1)).toEqual([50, 50, 50]);
  });
});
