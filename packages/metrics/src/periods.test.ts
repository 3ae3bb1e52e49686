import { describe, expect, it } from 'vitest';
import { loadCloses } from '../test/market-data.js';
import {
  finestUnit,
  inferPeriodicity,
  medianSpacing,
  periodsPerYear,
  resamplingBasis,
  roundUpDays,
  roundUpMeanDays,
  weekendShare,
} from './periods.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('medianSpacing', () => {
  it('is the median of the last 100 differences, the mean of the middle two when even', () => {
    expect(medianSpacing(Float64Array.from([0]))).toBeNull();
    expect(medianSpacing(Float64Array.from([0, 5, 7, 20]))).toBe(5); // diffs 5 2 13
    expect(medianSpacing(Float64Array.from([0, 1, 4, 5, 15]))).toBe(2); // diffs 1 3 1 10 -> (1+3)/2
    // 150 bars: the first 50 are 1 apart, the last 100 are 7 apart; only the last 100 count.
    const time = Float64Array.from({ length: 150 }, (_, i) => (i < 50 ? i : 49 + (i - 49) * 7));
    expect(medianSpacing(time)).toBe(7);
  });
});

describe('resamplingBasis and periodsPerYear (backtesting.py 0.6.x compute_stats)', () => {
  it.each([
    [7 * DAY, 'week', 52],
    [31 * DAY, 'month', 12],
    [31.9 * DAY, 'month', 12],
    [30.5 * DAY, 'day', 252],
    [365 * DAY, 'year', 1],
    [366 * DAY, 'day', 252],
    [DAY, 'day', 252],
    [HOUR, 'day', 252],
  ] as const)('a median spacing of %d ms -> %s, A = %d without weekends', (spacing, basis, a) => {
    expect(resamplingBasis(spacing)).toBe(basis);
    expect(periodsPerYear(basis, 0)).toBe(a);
  });

  it('switches daily data to 365 above 60 % of the weekend share of a week', () => {
    expect(periodsPerYear('day', (2 / 7) * 0.6)).toBe(252);
    expect(periodsPerYear('day', (2 / 7) * 0.6 + 1e-12)).toBe(365);
    expect(periodsPerYear('week', 1)).toBe(52);
  });
});

describe('finestUnit (pandas Timedelta.resolution_string)', () => {
  it.each([
    [DAY, 'day'],
    [7 * DAY, 'day'],
    [30.5 * DAY, 'hour'],
    [HOUR, 'hour'],
    [15 * 60_000, 'minute'],
    [90_000, 'second'],
    [1500, 'millisecond'],
    [0.5, 'microsecond'],
  ] as const)('%d ms -> %s', (spacing, unit) => {
    expect(finestUnit(spacing)[0]).toBe(unit);
  });
});

describe('roundUpDays / roundUpMeanDays', () => {
  it('rounds up to the unit and leaves exact multiples alone', () => {
    expect(roundUpDays(3 * DAY, DAY)).toBe(3);
    expect(roundUpDays(3 * DAY + 1, DAY)).toBe(4);
    expect(roundUpDays(90 * 60_000, HOUR)).toBe(2 / 24);
    // (1 + 2 + 4) / 3 days = 2.33 -> 3; (1 + 2 + 3) / 3 = 2 exactly -> 2.
    expect(roundUpMeanDays(7 * DAY, 3, DAY)).toBe(3);
    expect(roundUpMeanDays(6 * DAY, 3, DAY)).toBe(2);
    expect(roundUpMeanDays(1, 3, 0.001)).toBe(0.334 / DAY);
  });
});

describe('inferPeriodicity on the shared market data', () => {
  it('GOOG daily stock bars: 252 a year, whole-day durations', () => {
    const p = inferPeriodicity(loadCloses('GOOG').time);
    expect(p).toMatchObject({ periodsPerYear: 252, returnBasis: 'day', durationUnit: 'day' });
  });

  it('EURUSD hourly bars: daily returns, 252 a year (2 % weekend bars), hour durations', () => {
    const { time } = loadCloses('EURUSD');
    expect(weekendShare(time)).toBeLessThan((2 / 7) * 0.6);
    expect(inferPeriodicity(time)).toMatchObject({
      periodsPerYear: 252,
      returnBasis: 'day',
      durationUnit: 'hour',
      medianSpacingMs: HOUR,
    });
  });

  it('BTCUSD month-end bars: a 31-day median spacing means monthly, 12 a year', () => {
    const p = inferPeriodicity(loadCloses('BTCUSD').time);
    expect(p).toMatchObject({
      periodsPerYear: 12,
      returnBasis: 'month',
      medianSpacingMs: 31 * DAY,
    });
  });
});
