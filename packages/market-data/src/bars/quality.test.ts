import type { Bars } from '@hindsight/engine';
import { describe, expect, it } from 'vitest';
import { barsOf, sampleData } from '../../test/helpers.js';
import { readCsvFile } from '../formats/csv.js';
import { qualityReport } from './quality.js';
import { Random } from './random.js';
import { syntheticBars } from './synthetic.js';

const DAY = 86_400_000;
const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

/**
 * Weekday bars from Monday 2020-01-06, skipping the listed days: a random walk with normal daily
 * moves of 0.5 %, from a fixed seed, so a 10-sigma move has odds of about 1e-23 per bar.
 */
function weekdays(count: number, skip: readonly string[] = []): Bars {
  const random = new Random(7);
  const data: number[][] = [];
  let close = 100;
  for (let t = day('2020-01-06'); data.length < count; t += DAY) {
    const weekday = new Date(t).getUTCDay();
    if (weekday === 0 || weekday === 6 || skip.includes(new Date(t).toISOString().slice(0, 10))) {
      continue;
    }
    close *= Math.exp(0.005 * random.normal());
    data.push([t, close, close + 1, close - 1, close, 1000]);
  }
  return barsOf(data);
}

function without(bars: Bars, index: number): Bars {
  const keep = (column: Float64Array) => Float64Array.from(column.filter((_, i) => i !== index));
  return {
    length: bars.length - 1,
    time: keep(bars.time),
    open: keep(bars.open),
    high: keep(bars.high),
    low: keep(bars.low),
    close: keep(bars.close),
    volume: keep(bars.volume),
  };
}

describe('qualityReport', () => {
  it('finds nothing wrong with a clean weekday series', () => {
    const report = qualityReport(weekdays(60), '1d');
    expect(report).toMatchObject({ bars: 60, medianSpacingMs: DAY, warnings: [] });
  });

  it('reports two or more missing trading days as a gap, and lets a single holiday pass', () => {
    // 2020-01-20 is a lone missing Monday; 2020-02-05..07 are three missing days in a row.
    const bars = weekdays(40, ['2020-01-20', '2020-02-05', '2020-02-06', '2020-02-07']);
    const report = qualityReport(bars, '1d');
    expect(report.gaps).toEqual({
      count: 1,
      missing: 3,
      samples: [{ from: day('2020-02-04'), to: day('2020-02-10'), missing: 3 }],
    });
    expect(report.warnings).toEqual([
      '1 gap (3 missing bars; largest 2020-02-04 to 2020-02-10, 3 missing)',
    ]);
  });

  it('finds the two multi-day closures in GOOG 2004-2013', async () => {
    // NYSE history: closed 2007-01-01 (New Year) and 2007-01-02 (mourning for President Ford),
    // and 2012-10-29/30 (Hurricane Sandy). Every other closure in the file is a single day.
    const report = qualityReport(await readCsvFile(sampleData('GOOG.csv')), '1d');
    expect(report.gaps.samples).toEqual([
      { from: day('2006-12-29'), to: day('2007-01-03'), missing: 2 },
      { from: day('2012-10-26'), to: day('2012-10-31'), missing: 2 },
    ]);
    expect(report.duplicates.count).toBe(0);
    expect(report.zeroVolume.count).toBe(0);
  });

  it('reports holes inside a trading day for intraday bars', () => {
    const hours = syntheticBars('QUALITY', {
      timeframe: '1h',
      start: day('2021-03-01'),
      count: 35,
    });
    // The synthetic session is 14:00-21:00 UTC: seven bars a day. Bar 10 is 17:00 on day two.
    const report = qualityReport(without(hours, 10), '1h');
    expect(report.gaps.samples).toEqual([
      {
        from: day('2021-03-02') + 16 * 3_600_000,
        to: day('2021-03-02') + 18 * 3_600_000,
        missing: 1,
      },
    ]);
  });

  it('counts duplicate timestamps and zero volume in raw data', () => {
    const bars = barsOf([
      [1000, 10, 11, 9, 10, 5],
      [1000, 10, 11, 9, 10, 0],
      [2000, 10, 11, 9, 10, 0],
    ]);
    const report = qualityReport(bars, '1m');
    expect(report.duplicates).toEqual({ count: 1, samples: [1000] });
    expect(report.zeroVolume).toEqual({ count: 2, samples: [1000, 2000] });
  });

  it('flags a jump far outside the usual moves', () => {
    const bars = weekdays(120);
    // From bar 60 on, every price is 1.5x: one +50 % close-to-close jump among 0.5 % moves.
    for (const column of [bars.open, bars.high, bars.low, bars.close]) {
      for (let i = 60; i < bars.length; i++) column[i] = column[i]! * 1.5;
    }
    const report = qualityReport(bars, '1d');
    expect(report.outliers.count).toBe(1);
    expect(report.outliers.samples[0]!.time).toBe(bars.time[60]);
    expect(report.outliers.samples[0]!.change).toBeCloseTo(
      bars.close[60]! / bars.close[59]! - 1,
      12,
    );
  });

  it('warns when the bars do not match the timeframe', async () => {
    const report = qualityReport(await readCsvFile(sampleData('BTCUSD.csv')), '1d');
    expect(report.warnings).toContain(
      'bars are typically 31 days apart, which does not match the timeframe 1d',
    );
  });

  it('says all volume is zero when it is', () => {
    const bars = weekdays(10);
    bars.volume.fill(0);
    expect(qualityReport(bars, '1d').warnings).toEqual([
      'no bar has any volume (volume is 0 throughout)',
    ]);
  });

  it('handles series too short to judge', () => {
    expect(qualityReport(barsOf([]), '1d')).toMatchObject({
      bars: 0,
      first: null,
      last: null,
      medianSpacingMs: null,
      warnings: [],
    });
  });
});
