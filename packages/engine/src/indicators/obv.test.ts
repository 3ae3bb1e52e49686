import { describe, expect, it } from 'vitest';
import { obv } from './obv.js';

describe('obv', () => {
  it('adds volume on up closes, subtracts it on down closes, ignores flat ones (hand computed)', () => {
    const close = new Float64Array([10, 11, 11, 9, 12]);
    const volume = new Float64Array([100, 200, 300, 400, 500]);
    // 0; +200; unchanged; -400; +500
    expect(Array.from(obv(close, volume))).toEqual([0, 200, 200, -200, 300]);
  });
});
