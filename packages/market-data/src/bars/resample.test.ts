import { describe, expect, it } from 'vitest';
import { barsOf, rows, sampleData } from '../../test/helpers.js';
import { readCsvFile } from '../formats/csv.js';
import { ResampleError, resampleBars } from './resample.js';

const at = (text: string) => Date.parse(`${text}Z`);

describe('resampleBars', () => {
  it('aggregates 1m bars into 5m buckets: first open, max high, min low, last close, summed volume', () => {
    const minutes = barsOf([
      [at('2020-01-02T14:03:00'), 10, 11, 9, 10.5, 1],
      [at('2020-01-02T14:04:00'), 10.5, 12, 10, 11, 2],
      [at('2020-01-02T14:05:00'), 11, 11.5, 8, 9, 3],
      [at('2020-01-02T14:07:00'), 9, 13, 9, 12, 4],
      [at('2020-01-02T14:09:00'), 12, 12.5, 11, 11.5, 5],
      [at('2020-01-02T14:20:00'), 11.5, 12, 11, 11.8, 6],
    ]);
    // By hand: bucket 14:00 holds the first two bars, 14:05 the next three, 14:20 the last;
    // 14:10 and 14:15 have no bars and yield none.
    expect(rows(resampleBars(minutes, '1m', '5m'))).toEqual([
      [at('2020-01-02T14:00:00'), 10, 12, 9, 11, 3],
      [at('2020-01-02T14:05:00'), 11, 13, 8, 11.5, 12],
      [at('2020-01-02T14:20:00'), 11.5, 12, 11, 11.8, 6],
    ]);
  });

  it('turns GOOG daily bars into Monday-stamped weeks that agree with the days', async () => {
    const days = await readCsvFile(sampleData('GOOG.csv'));
    const weeks = resampleBars(days, '1d', '1w');
    // GOOG.csv starts on Thursday 2004-08-19: its first week began on Monday 2004-08-16 and holds
    // 2004-08-19 and 2004-08-20 (lines 2-3 of the file).
    expect(rows(weeks)[0]).toEqual([
      at('2004-08-16T00:00:00'),
      100,
      109.08,
      95.96,
      108.31,
      22351900 + 11428600,
    ]);
    let volume = 0;
    for (let i = 0; i < weeks.length; i++) {
      expect(new Date(weeks.time[i]!).getUTCDay(), 'every week starts on a Monday').toBe(1);
      volume += weeks.volume[i]!;
    }
    expect(volume).toBe(days.volume.reduce((sum, v) => sum + v, 0));
    expect(weeks.close[weeks.length - 1]).toBe(days.close[days.length - 1]);
  });

  it('chains: 1m -> 5m -> 15m equals 1m -> 15m', () => {
    const minutes = barsOf(
      Array.from({ length: 200 }, (_, i) => {
        const price = 100 + Math.sin(i / 7) * 3;
        return [
          at('2020-01-02T14:00:00') + i * 60_000,
          price,
          price + 0.5,
          price - 0.5,
          price + 0.1,
          i,
        ];
      }),
    );
    const viaFive = resampleBars(resampleBars(minutes, '1m', '5m'), '5m', '15m');
    expect(rows(viaFive)).toEqual(rows(resampleBars(minutes, '1m', '15m')));
  });

  it('refuses to go finer', () => {
    expect(() => resampleBars(barsOf([]), '1d', '1h')).toThrow(ResampleError);
  });
});
