import { describe, expect, it } from 'vitest';
import { logRatio } from './log-ratio.js';

describe('logRatio', () => {
  it('stays within 4 ulps-relative of Math.log across and around the series range', () => {
    let worst = 0;
    for (let k = -3000; k <= 3000; k++) {
      const x = 1 + k * 1e-6 + k * 1.3e-9;
      const exact = Math.log(x);
      if (exact !== 0) worst = Math.max(worst, Math.abs(logRatio(x) / exact - 1));
    }
    expect(worst).toBeLessThan(4 * Number.EPSILON);
  });

  it('is exactly Math.log outside the series range and 0 at 1', () => {
    for (const x of [0.5, 0.99, 1.01, 2, 1e-300]) expect(logRatio(x)).toBe(Math.log(x));
    expect(logRatio(1)).toBe(0);
  });
});
