import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { emaCrossover } from './ema_crossover.js';
import { resolveParams } from './registry.js';

// EMA(2) (alpha 2/3, seed 9.5 at bar 1) and EMA(3) (alpha 1/2, seed 9 at bar 2), hand computed:
//   bar      2      3      4       5       6      7      8
//   EMA2   8.5    8.83  10.28   11.43    9.81   7.94   7.98
//   EMA3   9      9     10      11      10      8.5    8.25
// EMA2 - EMA3 turns positive at bar 4 and negative at bar 6.
const closes = [10, 9, 8, 9, 11, 12, 9, 7, 8];

describe('ema_crossover', () => {
  it('enters when the fast EMA crosses above the slow one, exits when it crosses below', () => {
    const signals = emaCrossover.signals(barsFromCloses(closes), {
      fast: 2,
      slow: 3,
      allowShort: false,
    });
    expect(signals.warmup).toBe(2);
    expect(flaggedBars(signals.enterLong)).toEqual([4]);
    expect(flaggedBars(signals.exitLong)).toEqual([6]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
  });

  it('with allowShort, shorts on the cross below and covers on the cross above', () => {
    const signals = emaCrossover.signals(barsFromCloses(closes), {
      fast: 2,
      slow: 3,
      allowShort: true,
    });
    expect(flaggedBars(signals.enterShort)).toEqual([6]);
    expect(flaggedBars(signals.exitShort)).toEqual([4]);
  });

  it('warms up until the slow EMA is defined: 25 with the defaults', () => {
    const goog = loadBars('GOOG');
    expect(emaCrossover.signals(goog, resolveParams('ema_crossover', {})).warmup).toBe(25);
  });

  it('rejects fast >= slow', () => {
    expect(() => resolveParams('ema_crossover', { fast: 40 })).toThrow(
      'ema_crossover: fast must be < slow (got fast=40, slow=26)',
    );
    expect(() =>
      emaCrossover.signals(barsFromCloses(closes), { fast: 4, slow: 3, allowShort: false }),
    ).toThrow('ema_crossover: fast must be < slow (got fast=4, slow=3)');
  });
});
