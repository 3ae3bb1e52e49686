import { describe, expect, it } from 'vitest';
import { downsample } from './downsample.js';
import { MetricsInputError } from './errors.js';

const series = (values: number[]) => ({
  time: Float64Array.from(values, (_, i) => i * 10),
  values: Float64Array.from(values),
});

describe('downsample (M4)', () => {
  it('returns a small series exactly, as a copy', () => {
    const { time, values } = series([3, 1, 2]);
    const out = downsample(time, values, 4);
    expect(Array.from(out.values)).toEqual([3, 1, 2]);
    expect(out.values).not.toBe(values);
  });

  it('keeps first, min, max and last of a bucket in time order', () => {
    // One bucket (maxPoints 4): first 5 @0, min 1 @1, max 9 @2, last 4 @7.
    const { time, values } = series([5, 1, 9, 3, 7, 2, 8, 4]);
    const out = downsample(time, values, 4);
    expect(Array.from(out.time)).toEqual([0, 10, 20, 70]);
    expect(Array.from(out.values)).toEqual([5, 1, 9, 4]);
  });

  it('keeps the max before the min when it comes first, without duplicates', () => {
    // Two buckets of 5: [9 1 5 5 5] -> first=max 9 @0, min 1 @1, last 5 @4; [5 5 5 5 0] -> 5, 0.
    const { values, time } = series([9, 1, 5, 5, 5, 5, 5, 5, 5, 0]);
    const out = downsample(time, values, 8);
    expect(Array.from(out.values)).toEqual([9, 1, 5, 5, 0]);
    expect(Array.from(out.time)).toEqual([0, 10, 40, 50, 90]);
  });

  it('never exceeds maxPoints and keeps every extreme of a long noisy series', () => {
    const n = 100_003;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i / 300) * 100 + ((i * 7919) % 13));
    values[54_321] = 1_000;
    values[77_777] = -1_000;
    const { time, values: v } = series(values);
    for (const maxPoints of [4, 5, 100, 1001, 4000]) {
      const out = downsample(time, v, maxPoints);
      expect(out.values.length).toBeLessThanOrEqual(maxPoints);
      expect(out.time[0]).toBe(0);
      expect(out.time[out.time.length - 1]).toBe((n - 1) * 10);
      expect(Math.max(...out.values)).toBe(1_000);
      expect(Math.min(...out.values)).toBe(-1_000);
      for (let i = 1; i < out.time.length; i++)
        expect(out.time[i]!).toBeGreaterThan(out.time[i - 1]!);
    }
  });

  it('rejects mismatched lengths and fewer than 4 points', () => {
    const { time, values } = series([1, 2, 3]);
    expect(() => downsample(time, values.subarray(1), 10)).toThrow(MetricsInputError);
    expect(() => downsample(time, values, 3)).toThrow(/maxPoints must be an integer >= 4/);
    expect(() => downsample(time, values, 4.5)).toThrow(/got 4.5/);
  });
});
