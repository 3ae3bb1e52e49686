import { createBars, TIMEFRAMES } from '@hindsight/engine';
import { describe, expect, it } from 'vitest';
import { rows } from '../../test/helpers.js';
import { InvalidRangeError } from '../errors.js';
import { resampleBars } from './resample.js';
import { SYNTHETIC_ORIGIN, syntheticBars } from './synthetic.js';

const DAY = 86_400_000;
const monday = Date.UTC(2020, 0, 6);

describe('syntheticBars', () => {
  it('is a pure function of the symbol name: these bars on every machine', () => {
    // Recorded from this generator. Any change to it changes every synthetic series (and the
    // caches and demo results built on them), so this test only changes deliberately.
    expect(rows(syntheticBars('DEMO', { timeframe: '1d', start: monday, count: 2 }))).toEqual([
      [monday, 7078.9, 7281.4, 7039.4, 7137.2, 10353841],
      [monday + DAY, 7131.4, 7235.9, 7075.4, 7083.7, 11361885],
    ]);
    expect(rows(syntheticBars('DEMO', { timeframe: '1m', start: monday, count: 2 }))).toEqual([
      [monday + 14 * 3_600_000, 7078.9, 7078.9, 7074.6, 7077.2, 47378],
      [monday + 14 * 3_600_000 + 60_000, 7077.2, 7087.8, 7068.5, 7069.5, 31356],
    ]);
  });

  it('gives different symbols different series', () => {
    const a = syntheticBars('AAA', { timeframe: '1d', start: monday, count: 5 });
    const b = syntheticBars('AAB', { timeframe: '1d', start: monday, count: 5 });
    expect(rows(a)).not.toEqual(rows(b));
  });

  it.each(TIMEFRAMES)('makes any range of %s a slice of one endless series', (timeframe) => {
    const wide = syntheticBars('SLICE', {
      timeframe,
      start: Date.UTC(2019, 0, 1),
      end: Date.UTC(2021, 0, 1),
    });
    const from = Date.UTC(2020, 1, 3, 15, 7);
    const narrow = syntheticBars('SLICE', { timeframe, start: from, end: Date.UTC(2020, 7, 1) });
    const offset = wide.time.indexOf(narrow.time[0]!);
    expect(narrow.time[0]!).toBeGreaterThanOrEqual(from);
    expect(offset).toBeGreaterThan(0);
    expect(rows(narrow)).toEqual(rows(wide).slice(offset, offset + narrow.length));
  });

  it.each(TIMEFRAMES)('produces valid %s bars (the engine accepts them)', (timeframe) => {
    const bars = syntheticBars('VALID', { timeframe, start: Date.UTC(2020, 0, 1), count: 20_000 });
    expect(() => createBars(bars)).not.toThrow();
    expect(bars.length).toBe(20_000);
    expect(bars.volume.every(Number.isInteger), 'whole volumes').toBe(true);
  });

  it('fills a 14:00-21:00 UTC session on weekdays only', () => {
    const minutes = syntheticBars('GRID', {
      timeframe: '1m',
      start: monday,
      end: monday + 7 * DAY,
    });
    expect(minutes.length).toBe(5 * 420);
    expect(minutes.time[0]).toBe(monday + 14 * 3_600_000);
    expect(minutes.time[419]).toBe(monday + 21 * 3_600_000 - 60_000);
    expect(minutes.time[420]).toBe(monday + DAY + 14 * 3_600_000);
    const hours = syntheticBars('GRID', { timeframe: '1h', start: monday, end: monday + 7 * DAY });
    expect(hours.length).toBe(5 * 7);
  });

  it('opens and closes each intraday day with its daily bar', () => {
    const days = syntheticBars('BRIDGE', { timeframe: '1d', start: monday, count: 10 });
    const minutes = syntheticBars('BRIDGE', { timeframe: '1m', start: monday, count: 10 * 420 });
    for (let d = 0; d < 10; d++) {
      expect(minutes.open[d * 420]).toBe(days.open[d]);
      expect(minutes.close[d * 420 + 419]).toBe(days.close[d]);
    }
  });

  it('stamps weekly bars on Mondays, as the resample of the daily bars', () => {
    const weeks = syntheticBars('WEEK', {
      timeframe: '1w',
      start: Date.UTC(2020, 0, 1),
      count: 30,
    });
    const days = syntheticBars('WEEK', { timeframe: '1d', start: monday, count: 150 });
    expect(rows(weeks)).toEqual(rows(resampleBars(days, '1d', '1w')));
  });

  it('trades more near the open and the close than at midday', () => {
    const minutes = syntheticBars('SMILE', { timeframe: '1m', start: monday, count: 420 * 250 });
    const shareAt = (from: number, to: number) => {
      let volume = 0;
      for (let d = 0; d < 250; d++) {
        for (let i = from; i < to; i++) volume += minutes.volume[d * 420 + i]!;
      }
      return volume;
    };
    const firstHour = shareAt(0, 60);
    const middleHour = shareAt(180, 240);
    const lastHour = shareAt(360, 420);
    // The volume profile is 1 + 2x^2 over x in [-1, 1]: about 2.4 at the edges' hours, 1.0 mid.
    expect(firstHour / middleHour).toBeGreaterThan(1.8);
    expect(lastHour / middleHour).toBeGreaterThan(1.8);
  });

  it('clusters volatility: big moves follow big moves', () => {
    const days = syntheticBars('CLUSTER', {
      timeframe: '1d',
      start: SYNTHETIC_ORIGIN,
      count: 8000,
    });
    const moves = Array.from({ length: days.length - 1 }, (_, i) =>
      Math.abs(Math.log(days.close[i + 1]! / days.close[i]!)),
    );
    const mean = moves.reduce((sum, m) => sum + m, 0) / moves.length;
    let covariance = 0;
    let variance = 0;
    for (let i = 0; i < moves.length; i++) {
      variance += (moves[i]! - mean) ** 2;
      if (i > 0) covariance += (moves[i]! - mean) * (moves[i - 1]! - mean);
    }
    // Independent moves give a lag-1 autocorrelation of |moves| near 0 (standard error
    // 1/sqrt(8000) = 0.011); GARCH(1,1) with persistence 0.97-0.99 gives well above 0.05.
    expect(covariance / variance).toBeGreaterThan(0.05);
  });

  it('starts every series on 1990-01-01 and honours count and end', () => {
    const early = syntheticBars('ORIGIN', {
      timeframe: '1d',
      start: Date.UTC(1980, 0, 1),
      count: 1,
    });
    expect(early.time[0]).toBe(SYNTHETIC_ORIGIN);
    expect(syntheticBars('X', { timeframe: '1h', start: monday, count: 9 }).length).toBe(9);
    expect(
      syntheticBars('X', { timeframe: '1d', start: monday, end: monday + 3 * DAY }).length,
    ).toBe(3);
  });

  it('rejects a request without an end or a count, and one far too large', () => {
    expect(() => syntheticBars('X', { timeframe: '1d', start: monday })).toThrow(InvalidRangeError);
    expect(() =>
      syntheticBars('X', {
        timeframe: '1m',
        start: Date.UTC(1990, 0, 1),
        end: Date.UTC(2200, 0, 1),
      }),
    ).toThrow(/synthetic series stop at 20,000,000/);
  });
});
