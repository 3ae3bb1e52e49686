import { describe, expect, it } from 'vitest';
import { correlate, dailyReturns } from './correlation.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

describe('dailyReturns', () => {
  it('takes the last bar of each UTC day and returns between consecutive days', () => {
    // Hourly bars: day 0 ends at 110, day 1 at 121, day 2 at 96.8.
    const time = Float64Array.from([0, 1, 24, 25, 48].map((h) => T0 + h * 3_600_000));
    const equity = Float64Array.from([100, 110, 115, 121, 96.8]);
    const { days, returns } = dailyReturns(time, equity);
    expect(Array.from(days)).toEqual([T0 / DAY + 1, T0 / DAY + 2]);
    // 121 / 110 - 1 = 0.1; 96.8 / 121 - 1 = -0.2.
    expect(returns[0]).toBeCloseTo(0.1, 15);
    expect(returns[1]).toBeCloseTo(-0.2, 15);
  });
});

describe('correlate', () => {
  const days = Int32Array.from([1, 2, 3, 4]);
  it('is 1 for a series and a positive multiple of it, -1 for a negative one', () => {
    const a = { days, returns: Float64Array.from([0.01, -0.02, 0.03, 0.005]) };
    const b = { days, returns: a.returns.map((r) => 3 * r) };
    const c = { days, returns: a.returns.map((r) => -r) };
    expect(correlate(a, b).r).toBeCloseTo(1, 14);
    expect(correlate(a, c).r).toBeCloseTo(-1, 14);
  });

  it("matches Pearson's r by hand over the common days only", () => {
    // Common days 2, 3, 4: x = [1, 2, 3], y = [2, 1, 4]; means 2 and 7/3.
    // sxy = (-1)(-1/3) + 0 + (1)(5/3) = 2; sxx = 2; syy = 1/9 + 16/9 + 25/9 = 42/9.
    // r = 2 / sqrt(2 * 42/9) = 0.6546536707079771.
    const a = { days: Int32Array.from([1, 2, 3, 4]), returns: Float64Array.from([9, 1, 2, 3]) };
    const b = { days: Int32Array.from([2, 3, 4, 5]), returns: Float64Array.from([2, 1, 4, 9]) };
    const { r, days: n } = correlate(a, b);
    expect(n).toBe(3);
    expect(r).toBeCloseTo(2 / Math.sqrt((2 * 42) / 9), 14);
  });

  it('is null below 3 common days and for a constant series', () => {
    const a = { days: Int32Array.from([1, 2]), returns: Float64Array.from([0.1, 0.2]) };
    expect(correlate(a, a)).toEqual({ r: null, days: 2 });
    const flat = { days, returns: Float64Array.from([0, 0, 0, 0]) };
    const moving = { days, returns: Float64Array.from([0.1, 0.2, 0.1, 0.3]) };
    expect(correlate(flat, moving).r).toBeNull();
  });
});
