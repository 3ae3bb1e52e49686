import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { donchianBreakout } from './donchian_breakout.js';
import { resolveParams } from './registry.js';

// high = close + 1, low = close - 1
const closes = [10, 11, 10, 12.5, 13, 11, 10.5, 9];
const bars = barsFromCloses(closes, {
  high: closes.map((c) => c + 1),
  low: closes.map((c) => c - 1),
});

describe('donchian_breakout', () => {
  it('breaks out of the channel of the previous bars, never its own (hand computed, 3 / 2)', () => {
    // entry: highest high of the 3 bars before: bar 3: max(11,12,11) = 12 < close 12.5 -> enter.
    //   Bar 4's close 13 is below its own high 14 but the previous high is 13.5: no entry.
    // exit: lowest low of the 2 bars before: bar 5: min(11.5, 12) = 11.5 > close 11 -> exit;
    //   bar 7: min(10, 9.5) = 9.5 > close 9 -> exit
    const signals = donchianBreakout.signals(bars, {
      entryPeriod: 3,
      exitPeriod: 2,
      allowShort: false,
    });
    expect(signals.warmup).toBe(3);
    expect(flaggedBars(signals.enterLong)).toEqual([3]);
    expect(flaggedBars(signals.exitLong)).toEqual([5, 7]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('with allowShort, mirrors the rules on the short side', () => {
    // enterShort: lowest low of 3 bars before: bar 7: min(12, 10, 9.5) = 9.5 > close 9.
    // exitShort: highest high of 2 bars before: bar 3: max(12, 11) = 12 < close 12.5.
    const signals = donchianBreakout.signals(bars, {
      entryPeriod: 3,
      exitPeriod: 2,
      allowShort: true,
    });
    expect(flaggedBars(signals.enterShort)).toEqual([7]);
    expect(flaggedBars(signals.exitShort)).toEqual([3]);
  });

  it('warms up until both previous-bar channels exist: max(entryPeriod, exitPeriod)', () => {
    const goog = loadBars('GOOG');
    expect(donchianBreakout.signals(goog, resolveParams('donchian_breakout', {})).warmup).toBe(20);
    const longExit = resolveParams('donchian_breakout', { exitPeriod: 40 });
    expect(donchianBreakout.signals(goog, longExit).warmup).toBe(40);
  });

  it('rejects a period that is not a whole number >= 1', () => {
    expect(() => resolveParams('donchian_breakout', { entryPeriod: 0 })).toThrow(
      'donchian_breakout: entryPeriod must be >= 1 (got 0)',
    );
    expect(() => resolveParams('donchian_breakout', { exitPeriod: 2.5 })).toThrow(
      'donchian_breakout: exitPeriod must be an integer (got 2.5)',
    );
  });
});
