import { describe, it } from 'vitest';
import { expectAllClose } from '../../test/close.js';
import { roc } from './roc.js';

describe('roc', () => {
  it('is the percent change over `period` bars (hand computed)', () => {
    // 100 (12 - 10)/10 = 20; 100 (9 - 11)/11 = -200/11
    expectAllClose(
      roc(new Float64Array([10, 11, 12, 9]), 2),
      [Number.NaN, Number.NaN, 20, -200 / 11],
      1e-15,
    );
  });
});
