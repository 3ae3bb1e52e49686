import { describe, expect, it } from 'vitest';
import {
  geometricMean,
  geometricMeanBacktestingPy,
  meanAndStd,
  summarizeReturns,
} from './moments.js';

describe('summarizeReturns', () => {
  it('gives the moments of 0.1, -0.2, 0.1 worked by hand', () => {
    // mean 0; deviations .1 -.2 .1: squares sum .06, cubes sum -.006, fourths sum .0018.
    const s = summarizeReturns([0.1, -0.2, 0.1]);
    expect(s.count).toBe(3);
    expect(s.mean).toBeCloseTo(0, 15);
    expect(s.variance).toBeCloseTo(0.06 / 2, 15);
    expect(s.m2).toBeCloseTo(0.06 / 3, 15);
    expect(s.m3).toBeCloseTo(-0.006 / 3, 15);
    expect(s.m4).toBeCloseTo(0.0018 / 3, 15);
    expect(s.sumLogGrowth).toBeCloseTo(2 * Math.log(1.1) + Math.log(0.8), 15);
    expect(s.minGrowth).toBeCloseTo(0.8, 15);
    expect(s.downsideMeanSquare).toBeCloseTo(0.04 / 3, 15);
    expect([s.upSum, s.downSum, s.best, s.worst]).toEqual([0.1 + 0.1, 0.2, 0.1, -0.2]);
  });

  it('leaves everything that needs a return (or two) null', () => {
    const none = summarizeReturns([]);
    expect([none.mean, none.variance, none.m2, none.best, none.downsideMeanSquare]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    const one = summarizeReturns([0.05]);
    expect(one.mean).toBe(0.05);
    expect(one.variance).toBeNull();
  });
});

describe('geometric means', () => {
  const growth = summarizeReturns([0.21, 0]); // sqrt(1.21 * 1) = 1.1
  it('hindsight: exp(mean log(1 + r)) - 1', () => {
    expect(geometricMean(growth)).toBeCloseTo(0.1, 15);
    expect(geometricMean(summarizeReturns([0.5, -1]))).toBe(-1);
    expect(geometricMean(summarizeReturns([0.5, -1.5]))).toBeNull();
    expect(geometricMean(summarizeReturns([]))).toBeNull();
  });

  it('backtesting.py 0.6.6: over the returns, 0 once a return is <= -100 %, null with none', () => {
    expect(geometricMeanBacktestingPy(growth)).toBeCloseTo(0.1, 15);
    expect(geometricMeanBacktestingPy(summarizeReturns([0.5, -1]))).toBe(0);
    expect(geometricMeanBacktestingPy(summarizeReturns([]))).toBeNull();
  });
});

describe('meanAndStd', () => {
  it('uses ddof 1', () => {
    expect(meanAndStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanAndStd([7])).toEqual({ mean: 7, std: null });
    expect(meanAndStd([])).toEqual({ mean: null, std: null });
  });
});

describe('summarizeReturns with a telescoped growth log', () => {
  it('uses log(last / first) for consecutive returns, and per-return logs after a wipe-out', () => {
    const values = [100, 110, 99, 120];
    const r = values.slice(1).map((v, i) => v / values[i]! - 1);
    const telescoped = summarizeReturns(r, Math.log(1.2));
    expect(telescoped.sumLogGrowth).toBe(Math.log(1.2));
    expect(telescoped.sumLogGrowth).toBeCloseTo(summarizeReturns(r).sumLogGrowth, 15);
    // 1 + r = 0 for the second return: the telescoped log would be -Infinity, so it is ignored.
    const wiped = summarizeReturns([0.5, -1, 0.2], Number.NEGATIVE_INFINITY);
    expect(wiped.sumLogGrowth).toBeCloseTo(Math.log(1.5) + Math.log(1.2), 15);
    expect(wiped.minGrowth).toBe(0);
  });
});
