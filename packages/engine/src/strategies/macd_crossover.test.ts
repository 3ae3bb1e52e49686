import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { macdCrossover } from './macd_crossover.js';
import { resolveParams } from './registry.js';

describe('macd_crossover', () => {
  it('follows the MACD line crossing its signal line (hand computed, 2 / 3 / 2)', () => {
    // From macd.test.ts: line - signal = -1/2 at bar 3, +2/9 at bar 4, -11/108 at bar 5.
    const bars = barsFromCloses([2, 4, 6, 2, 10, 8]);
    const signals = macdCrossover.signals(bars, { fast: 2, slow: 3, signal: 2, allowShort: true });
    expect(signals.warmup).toBe(3);
    expect(flaggedBars(signals.enterLong)).toEqual([4]);
    expect(flaggedBars(signals.exitShort)).toEqual([4]);
    expect(flaggedBars(signals.exitLong)).toEqual([5]);
    expect(flaggedBars(signals.enterShort)).toEqual([5]);
  });

  it('trades only long unless allowShort', () => {
    const bars = barsFromCloses([2, 4, 6, 2, 10, 8]);
    const signals = macdCrossover.signals(bars, { fast: 2, slow: 3, signal: 2, allowShort: false });
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('warms up until the signal line is defined: slow + signal - 2 = 33 with the defaults', () => {
    const goog = loadBars('GOOG');
    expect(macdCrossover.signals(goog, resolveParams('macd_crossover', {})).warmup).toBe(33);
  });

  it('rejects fast >= slow', () => {
    expect(() => resolveParams('macd_crossover', { fast: 26 })).toThrow(
      'macd_crossover: fast must be < slow (got fast=26, slow=26)',
    );
  });
});
