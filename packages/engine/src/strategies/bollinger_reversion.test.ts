import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { bollingerReversion } from './bollinger_reversion.js';
import { resolveParams } from './registry.js';

describe('bollinger_reversion', () => {
  it('buys below the lower band and sells above the middle band (hand computed, 3 bars, 1 sigma)', () => {
    // bar 2: (10,10,10) mean 10, sigma 0: close 10 is on both bands -> nothing
    // bar 3: (10,10,7) mean 9, sigma sqrt(2) = 1.41, lower 7.59: close 7 below -> enter
    // bar 4: (10,7,9) mean 8.67: close 9 above the middle -> exit
    // bar 5: (7,9,11) mean 9: close 11 above -> exit;  bar 6: (9,11,10) mean 10: close 10 -> nothing
    const bars = barsFromCloses([10, 10, 10, 7, 9, 11, 10]);
    const signals = bollingerReversion.signals(bars, { period: 3, stdDev: 1 });
    expect(signals.warmup).toBe(2);
    expect(flaggedBars(signals.enterLong)).toEqual([3]);
    expect(flaggedBars(signals.exitLong)).toEqual([4, 5]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
  });

  it('warms up until the bands are defined: 19 with the defaults', () => {
    const goog = loadBars('GOOG');
    expect(bollingerReversion.signals(goog, resolveParams('bollinger_reversion', {})).warmup).toBe(
      19,
    );
  });

  it('rejects a non-positive width and a period below 2', () => {
    expect(() => resolveParams('bollinger_reversion', { stdDev: -1 })).toThrow(
      'bollinger_reversion: stdDev must be > 0 (got -1)',
    );
    expect(() => resolveParams('bollinger_reversion', { period: 1 })).toThrow(
      'bollinger_reversion: period must be >= 2 (got 1)',
    );
  });
});
