import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { resolveParams } from './registry.js';
import { volumeZoneBreakout } from './volume_zone_breakout.js';

// Bar 1 is the loud one (volume 500, high 12); bar 3 has the window's highest high (13) on
// ordinary volume, so a plain channel breakout and the zone breakout disagree.
const bars = barsFromCloses([10, 10, 10, 10, 11.5, 12.5, 12.8, 11.8], {
  high: [10.5, 12, 10.5, 13, 11.6, 12.6, 12.9, 12.5],
  low: [9.5, 9.5, 9.5, 9.5, 11, 12, 12.5, 11.5],
  volume: [100, 500, 100, 200, 100, 100, 100, 100],
});
const params = { volumeWindow: 4, topPercentile: 0.25, breakoutBuffer: 0, exitWindow: 2 };

describe('volume_zone_breakout', () => {
  it('breaks out above the high of the high-volume bars (hand computed)', () => {
    // bar 4: volumes of bars 0-3 sorted 100, 100, 200, 500; their 75th percentile (position 2.25)
    //   is 200 + 0.25 * 300 = 275, so the zone is bar 1 with high 12: close 11.5 -> nothing.
    // bar 5: bars 1-4, same volumes, zone bar 1, high 12 < close 12.5 -> enter (bar 3's high 13 is
    //   outside the zone).
    // bar 6: bars 2-5, volumes 100, 200, 100, 100 -> threshold 125, zone bar 3, high 13 > 12.8.
    // exit: bar 7 closes 11.8 below the lowest low of bars 5-6 (12) -> exit.
    const signals = volumeZoneBreakout.signals(bars, params);
    expect(signals.warmup).toBe(4);
    expect(flaggedBars(signals.enterLong)).toEqual([5]);
    expect(flaggedBars(signals.exitLong)).toEqual([7]);
    expect(flaggedBars(signals.enterShort)).toEqual([]);
    expect(flaggedBars(signals.exitShort)).toEqual([]);
  });

  it('asks for breakoutBuffer above the zone high before entering', () => {
    // With 5%: bar 5 needs 12 * 1.05 = 12.6 > 12.5, bar 6 needs 13 * 1.05 > 12.8.
    const signals = volumeZoneBreakout.signals(bars, { ...params, breakoutBuffer: 0.05 });
    expect(flaggedBars(signals.enterLong)).toEqual([]);
    expect(flaggedBars(signals.exitLong)).toEqual([7]);
  });

  it('keeps only the exit on a bar that also clears the zone high', () => {
    // Zone: bar 0 (volume 1000, high 10). Bar 4 closes at 15: above the zone's 10 but below the
    // previous bar's low of 19.5.
    const falling = barsFromCloses([9.5, 20, 20, 20, 15], {
      high: [10, 20.5, 20.5, 20.5, 15],
      low: [9, 19.5, 19.5, 19.5, 15],
      volume: [1000, 10, 10, 10, 10],
    });
    const signals = volumeZoneBreakout.signals(falling, { ...params, exitWindow: 1 });
    expect(flaggedBars(signals.exitLong)).toEqual([4]);
    expect(flaggedBars(signals.enterLong)).toEqual([]);
  });

  it('warms up until both look-backs are complete: max(volumeWindow, exitWindow)', () => {
    const goog = loadBars('GOOG');
    expect(volumeZoneBreakout.signals(goog, resolveParams('volume_zone_breakout', {})).warmup).toBe(
      50,
    );
    const longExit = resolveParams('volume_zone_breakout', { exitWindow: 80 });
    expect(volumeZoneBreakout.signals(goog, longExit).warmup).toBe(80);
  });

  it('rejects fractions outside their range', () => {
    expect(() => resolveParams('volume_zone_breakout', { topPercentile: 1.5 })).toThrow(
      'volume_zone_breakout: topPercentile must be <= 1 (got 1.5)',
    );
    expect(() => resolveParams('volume_zone_breakout', { breakoutBuffer: -0.1 })).toThrow(
      'volume_zone_breakout: breakoutBuffer must be >= 0 (got -0.1)',
    );
    expect(() => resolveParams('volume_zone_breakout', { volumeWindow: 1 })).toThrow(
      'volume_zone_breakout: volumeWindow must be >= 2 (got 1)',
    );
  });
});
