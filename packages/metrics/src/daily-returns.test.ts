import { describe, expect, it } from 'vitest';
import { activeReturns, bucketKey, periodReturns, toActiveReturns } from './daily-returns.js';
import { epochDay } from './time.js';

const day = (iso: string) => epochDay(Date.parse(`${iso}T00:00:00Z`));

describe('bucketKey (pandas resample bins)', () => {
  it('weeks end on Sunday, the whole Sunday included (pandas "W")', () => {
    const sunday = day('2024-01-07');
    for (const d of ['2024-01-01', '2024-01-04', '2024-01-07']) {
      expect(bucketKey(day(d), 'week')).toBe(sunday);
    }
    expect(bucketKey(day('2024-01-08'), 'week')).toBe(sunday + 7);
  });

  it('months and years follow the calendar', () => {
    expect(bucketKey(day('2024-01-31'), 'month')).toBe(bucketKey(day('2024-01-01'), 'month'));
    expect(bucketKey(day('2024-02-01'), 'month')).toBe(bucketKey(day('2024-01-31'), 'month') + 1);
    expect(bucketKey(day('2024-12-31'), 'year')).toBe(2024);
    expect(bucketKey(day('2025-01-01'), 'year')).toBe(2025);
    expect(bucketKey(day('2024-05-05'), 'day')).toBe(day('2024-05-05'));
  });
});

describe('periodReturns and activeReturns', () => {
  it('take simple returns between the bucket-end values', () => {
    const values = Float64Array.from([100, 105, 110, 99, 121]);
    const ends = Int32Array.from([1, 3, 4]); // buckets end on bars 1, 3 and 4
    expect(Array.from(periodReturns(values, ends))).toEqual([99 / 105 - 1, 121 / 99 - 1]);
    expect(periodReturns(values, Int32Array.from([4])).length).toBe(0);
  });

  it('hold the benchmark from the warm-up bar: earlier buckets earn nothing', () => {
    const close = Float64Array.from([10, 20, 40, 50, 60]);
    const ends = Int32Array.from([0, 1, 2, 3, 4]);
    const r = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
    // Held value C[max(t, 2)] = 40 40 40 50 60: benchmark returns 0, 0, 0.25, 0.2.
    const active = activeReturns(r, close, 2, ends);
    [0.1, 0.2, 0.3 - 0.25, 0.4 - 0.2].forEach((expected, k) => {
      expect(active[k]).toBeCloseTo(expected, 15);
    });
  });

  it('toActiveReturns writes exactly activeReturns over r, the warm-up inside a bucket included', () => {
    const close = Float64Array.from([10, 20, 40, 50, 60, 55, 70]);
    const ends = Int32Array.from([0, 2, 3, 5, 6]);
    const r = Float64Array.from([0.1, -0.2, 0.3, 0.05]);
    for (const warmup of [0, 1, 2, 4, 6]) {
      const expected = activeReturns(r, close, warmup, ends);
      const inPlace = r.slice();
      expect(toActiveReturns(inPlace, close, warmup, ends)).toBe(inPlace);
      expect(inPlace).toEqual(expected);
      const benchmark = periodReturns(close, ends);
      expect(toActiveReturns(r.slice(), close, warmup, ends, benchmark)).toStrictEqual(inPlace);
    }
    const empty = new Float64Array(0);
    expect(toActiveReturns(empty, close, 0, Int32Array.from([6]))).toBe(empty);
  });
});
