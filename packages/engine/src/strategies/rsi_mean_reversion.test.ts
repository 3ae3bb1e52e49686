import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { resolveParams } from './registry.js';
import { rsiMeanReversion } from './rsi_mean_reversion.js';

describe('rsi_mean_reversion', () => {
  it('buys below `lower` and sells above `upper` (hand computed RSI(2))', () => {
    // changes -1, -1, +1, +2, +1, -3, -2, +1. Wilder averages (gain / loss) and RSI:
    // bar 2: 0 / 1 -> 0;  bar 3: 0.5 / 0.5 -> 50;  bar 4: 1.25 / 0.25 -> 83.3;
    // bar 5: 1.125 / 0.125 -> 90;  bar 6: 0.5625 / 1.5625 -> 26.5;  bar 7: 0.28 / 1.78 -> 13.6;
    // bar 8: 0.64 / 0.89 -> 41.8
    const bars = barsFromCloses([10, 9, 8, 9, 11, 12, 9, 7, 8]);
    const signals = rsiMeanReversion.signals(bars, { period: 2, lower: 30, upper: 70 });
    expect(signals.warmup).toBe(2);
    expect(flaggedBars(signals.enterLong)).toEqual([2, 6, 7]);
    expect(flaggedBars(signals.exitLong)).toEqual([4, 5]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('warms up until the RSI is defined: 14 with the defaults (see rsi.ts)', () => {
    const goog = loadBars('GOOG');
    expect(rsiMeanReversion.signals(goog, resolveParams('rsi_mean_reversion', {})).warmup).toBe(14);
  });

  it('rejects lower >= upper and a period below 2', () => {
    expect(() => resolveParams('rsi_mean_reversion', { lower: 80, upper: 20 })).toThrow(
      'rsi_mean_reversion: lower must be < upper (got lower=80, upper=20)',
    );
    expect(() => resolveParams('rsi_mean_reversion', { period: 1.5 })).toThrow(
      'rsi_mean_reversion: period must be an integer >= 2 (got 1.5)',
    );
    expect(() =>
      rsiMeanReversion.signals(barsFromCloses([1, 2, 3]), { period: 2, lower: 50, upper: 50 }),
    ).toThrow('rsi_mean_reversion: lower must be < upper (got lower=50, upper=50)');
  });
});
