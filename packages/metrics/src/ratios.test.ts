import { describe, expect, it } from 'vitest';
import { summarizeReturns } from './moments.js';
import {
  activeRatios,
  backtestingPyYears,
  calendarYears,
  compoundAnnualGrowth,
  compoundedVolatility,
  omegaRatio,
  returnRatios,
} from './ratios.js';

const DAY = 86_400_000;

describe('year counts', () => {
  it("backtesting.py divides Duration's days and seconds by 365.25, ignoring milliseconds", () => {
    // GOOG 2004-08-19 .. 2013-03-01: 3116 days.
    expect(backtestingPyYears(3116 * DAY)).toBe(3116 / 365.25);
    expect(backtestingPyYears(DAY / 2 + 999)).toBe(0.5 / 365.25);
    expect(calendarYears(365.25 * DAY)).toBe(1);
  });

  it('compounds, and is undefined over no time or for a negative growth factor', () => {
    expect(compoundAnnualGrowth(1.21, 2)).toBeCloseTo(0.1, 15);
    expect(compoundAnnualGrowth(0, 2)).toBe(-1);
    expect(compoundAnnualGrowth(1.1, 0)).toBeNull();
    expect(compoundAnnualGrowth(-0.5, 1)).toBeNull();
  });
});

describe('compoundedVolatility', () => {
  it('is sqrt((var + (1+g)^2)^A - (1+g)^(2A)), std·sqrt(A) to first order', () => {
    // A = 1: sqrt(var + (1+g)^2 - (1+g)^2) = std.
    expect(compoundedVolatility(0.04, 0.01, 1)).toBeCloseTo(0.2, 14);
    // g = 0, A = 2: sqrt((1 + v)^2 - 1) = sqrt(2v + v^2).
    expect(compoundedVolatility(0.01, 0, 2)).toBeCloseTo(Math.sqrt(0.02 + 0.0001), 15);
    expect(compoundedVolatility(null, 0, 252)).toBeNull();
  });
});

describe('returnRatios', () => {
  const returns = summarizeReturns([0.01, -0.02, 0.03, 0.005]);
  const base = {
    returns,
    periodsPerYear: 252,
    growth: 1.2,
    durationMs: 504 * DAY,
    maxDrawdown: 0.1,
  };

  it('backtesting.py: Sharpe is annual return over compounded volatility', () => {
    const r = returnRatios({ ...base, profile: 'backtesting.py' });
    const g = Math.exp(returns.sumLogGrowth / 4) - 1;
    expect(r.returnAnnPct).toBeCloseTo(((1 + g) ** 252 - 1) * 100, 10);
    expect(r.sharpeRatio).toBeCloseTo(r.returnAnnPct! / r.volatilityAnnPct!, 14);
    // 504 days / 365.25 years.
    expect(r.cagrPct).toBeCloseTo((1.2 ** (365.25 / 504) - 1) * 100, 12);
    expect(r.calmarRatio).toBeCloseTo(((1 + g) ** 252 - 1) / 0.1, 10);
  });

  it('hindsight: textbook Sharpe and Sortino, Calmar on the calendar CAGR', () => {
    const r = returnRatios({ ...base, profile: 'hindsight' });
    const mean = 0.025 / 4;
    const std = Math.sqrt(returns.variance!);
    expect(r.sharpeRatio).toBeCloseTo((mean / std) * Math.sqrt(252), 14);
    expect(r.sortinoRatio).toBeCloseTo((mean * Math.sqrt(252)) / Math.sqrt(0.0004 / 4), 12);
    const cagr = 1.2 ** (365.25 / 504) - 1;
    expect(r.cagrPct).toBeCloseTo(cagr * 100, 12);
    expect(r.calmarRatio).toBeCloseTo(cagr / 0.1, 12);
  });

  it('has no Sortino without a losing period and no Calmar without a drawdown', () => {
    const up = summarizeReturns([0.01, 0.02]);
    for (const profile of ['backtesting.py', 'hindsight'] as const) {
      const r = returnRatios({ ...base, returns: up, maxDrawdown: 0, profile });
      expect(r.sortinoRatio).toBeNull();
      expect(r.calmarRatio).toBeNull();
    }
  });
});

describe('omegaRatio and activeRatios', () => {
  it('omega is gains over losses at threshold 0', () => {
    expect(omegaRatio(summarizeReturns([0.03, -0.01, 0.01, -0.02]))).toBeCloseTo(0.04 / 0.03, 15);
    expect(omegaRatio(summarizeReturns([0.01]))).toBeNull();
  });

  it('information ratio and tracking error annualise by sqrt(A)', () => {
    expect(activeRatios(0.001, 0.01, 256)).toEqual({ informationRatio: 1.6, trackingError: 0.16 });
    expect(activeRatios(0.001, 0, 252).informationRatio).toBeNull();
    expect(activeRatios(null, null, 252)).toEqual({ informationRatio: null, trackingError: null });
  });
});
