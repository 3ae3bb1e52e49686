import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { StrategyParamsError } from './errors.js';
import { resolveParams } from './registry.js';
import { smaCrossover } from './sma_crossover.js';

// SMA(2) and SMA(3) of these closes (hand computed):
//   bar      2     3      4      5      6      7      8
//   SMA2   8.5   8.5   10     11.5   10.5    8      7.5
//   SMA3   9     8.67   9.33  10.67  10.67   9.33   8
// SMA2 - SMA3 turns positive at bar 4 and negative at bar 6.
const closes = [10, 9, 8, 9, 11, 12, 9, 7, 8];

describe('sma_crossover', () => {
  it('enters when the fast SMA crosses above the slow one, exits when it crosses below', () => {
    const signals = smaCrossover.signals(barsFromCloses(closes), {
      fast: 2,
      slow: 3,
      allowShort: false,
    });
    expect(signals.warmup).toBe(2);
    expect(flaggedBars(signals.enterLong)).toEqual([4]);
    expect(flaggedBars(signals.exitLong)).toEqual([6]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('with allowShort, the cross below also opens a short and the cross above covers it', () => {
    const signals = smaCrossover.signals(barsFromCloses(closes), {
      fast: 2,
      slow: 3,
      allowShort: true,
    });
    expect(flaggedBars(signals.enterLong)).toEqual([4]);
    expect(flaggedBars(signals.exitShort)).toEqual([4]);
    expect(flaggedBars(signals.exitLong)).toEqual([6]);
    expect(flaggedBars(signals.enterShort)).toEqual([6]);
  });

  it('does not count touching as crossing (crossover is strict on both bars)', () => {
    // At bar 6, SMA2 = (12+10)/2 = 11 = SMA3 = (11+12+10)/3; at bar 7 SMA2 = 9 < SMA3 = 10.
    // The line went from above to equal to below: no bar has a[i-1] > b[i-1] and a[i] < b[i].
    const signals = smaCrossover.signals(barsFromCloses([10, 9, 8, 9, 11, 12, 10, 8, 7]), {
      fast: 2,
      slow: 3,
      allowShort: false,
    });
    expect(flaggedBars(signals.enterLong)).toEqual([4]);
    expect(flaggedBars(signals.exitLong)).toEqual([]);
  });

  it('warms up until the slow SMA is defined: 29 with the defaults', () => {
    const goog = loadBars('GOOG');
    expect(smaCrossover.signals(goog, resolveParams('sma_crossover', {})).warmup).toBe(29);
    expect(smaCrossover.signals(goog, resolveParams('sma_crossover', { slow: 50 })).warmup).toBe(
      49,
    );
  });

  it('rejects fast >= slow, through resolveParams and when run directly', () => {
    expect(() => resolveParams('sma_crossover', { fast: 30, slow: 10 })).toThrow(
      'sma_crossover: fast must be < slow (got fast=30, slow=10)',
    );
    const direct = () =>
      smaCrossover.signals(barsFromCloses(closes), { fast: 3, slow: 3, allowShort: false });
    expect(direct).toThrow(StrategyParamsError);
    expect(direct).toThrow('sma_crossover: fast must be < slow (got fast=3, slow=3)');
  });

  it('rejects a period that is not a whole number', () => {
    expect(() => resolveParams('sma_crossover', { fast: 0 })).toThrow(
      'sma_crossover: fast must be >= 1 (got 0)',
    );
    expect(() => resolveParams('sma_crossover', { slow: 1 })).toThrow(
      'sma_crossover: slow must be >= 2 (got 1)',
    );
  });
});
