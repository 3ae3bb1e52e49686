import type { Conventions } from '@hindsight/engine';
import { geometricMean, geometricMeanBacktestingPy, type ReturnSummary } from './moments.js';
import type { Stats } from './stats-schema.js';
import { MS_PER_DAY } from './time.js';

/** The return-based statistics of one profile. */
export type ReturnRatios = Pick<
  Stats,
  'returnAnnPct' | 'volatilityAnnPct' | 'cagrPct' | 'sharpeRatio' | 'sortinoRatio' | 'calmarRatio'
>;

export interface RatioInput {
  profile: Conventions;
  /** Summary of the period returns of the equity curve. */
  returns: ReturnSummary;
  periodsPerYear: number;
  /** E[N-1] / E[0]. */
  growth: number;
  /** time[N-1] - time[0]. */
  durationMs: number;
  /** max drawdown as a positive fraction. */
  maxDrawdown: number;
}

/**
 * g: backtesting.py 0.6.6 averages log(1+r) over the period returns and reports g = 0 once a
 * return is <= -100 %; hindsight uses the plain geometric mean. returnAnnPct = ((1+g)^A - 1) x100
 * in both.
 */
export function returnRatios(input: RatioInput): ReturnRatios {
  const { profile, returns: r, periodsPerYear: a, growth, durationMs, maxDrawdown } = input;
  const bpy = profile === 'backtesting.py';
  const g = bpy ? geometricMeanBacktestingPy(r) : geometricMean(r);
  const annual = g === null ? null : (1 + g) ** a - 1;
  const returnAnnPct = annual === null ? null : annual * 100;
  const downside = r.downsideMeanSquare === null ? null : Math.sqrt(r.downsideMeanSquare);
  const cagr = compoundAnnualGrowth(
    growth,
    bpy ? backtestingPyYears(durationMs) : calendarYears(durationMs),
  );

  if (bpy) {
    const volatility = compoundedVolatility(r.variance, g, a);
    return {
      returnAnnPct,
      volatilityAnnPct: volatility === null ? null : volatility * 100,
      cagrPct: cagr === null ? null : cagr * 100,
      sharpeRatio: returnAnnPct !== null && volatility ? returnAnnPct / (volatility * 100) : null,
      sortinoRatio: annual !== null && downside ? annual / (downside * Math.sqrt(a)) : null,
      calmarRatio: annual !== null && maxDrawdown > 0 ? annual / maxDrawdown : null,
    };
  }
  const std = r.variance === null ? null : Math.sqrt(r.variance);
  return {
    returnAnnPct,
    volatilityAnnPct: std === null ? null : std * Math.sqrt(a) * 100,
    cagrPct: cagr === null ? null : cagr * 100,
    sharpeRatio: r.mean !== null && std ? (r.mean / std) * Math.sqrt(a) : null,
    sortinoRatio: r.mean !== null && downside ? (r.mean * Math.sqrt(a)) / downside : null,
    calmarRatio: cagr !== null && maxDrawdown > 0 ? cagr / maxDrawdown : null,
  };
}

/**
 * backtesting.py's annual volatility of compounded returns (a fraction):
 * sqrt((var + (1+g)^2)^A - (1+g)^(2A)); null if the variance is undefined or rounding makes the
 * radicand negative.
 */
export function compoundedVolatility(
  variance: number | null,
  g: number | null,
  a: number,
): number | null {
  if (variance === null || g === null) return null;
  const radicand = (variance + (1 + g) ** 2) ** a - (1 + g) ** (2 * a);
  return radicand >= 0 ? Math.sqrt(radicand) : null;
}

/**
 * backtesting.py 0.6.6: (Duration.days + Duration.seconds / 86400) / 365.25 - calendar years of
 * the duration truncated to whole seconds (pandas' Timedelta components drop the sub-second part).
 */
export function backtestingPyYears(durationMs: number): number {
  const days = Math.floor(durationMs / MS_PER_DAY);
  const seconds = Math.floor((durationMs - days * MS_PER_DAY) / 1000);
  return (days + seconds / 86400) / 365.25;
}

/** Calendar years of 365.25 days. */
export function calendarYears(durationMs: number): number {
  return durationMs / (365.25 * MS_PER_DAY);
}

/** growth^(1/years) - 1 as a fraction; null over zero years or for a negative growth factor. */
export function compoundAnnualGrowth(growth: number, years: number): number | null {
  if (!(years > 0) || !(growth >= 0)) return null;
  return growth ** (1 / years) - 1;
}

/** sum(max(r,0)) / sum(max(-r,0)): Omega at threshold 0; null without a losing period. */
export function omegaRatio(r: ReturnSummary): number | null {
  return r.count > 0 && r.downSum > 0 ? r.upSum / r.downSum : null;
}

/**
 * Active returns a = r - r_benchmark: tracking error std(a)·sqrt(A) (a fraction) and
 * information ratio mean(a)/std(a)·sqrt(A).
 */
export function activeRatios(
  mean: number | null,
  std: number | null,
  a: number,
): { informationRatio: number | null; trackingError: number | null } {
  return {
    informationRatio: mean !== null && std ? (mean / std) * Math.sqrt(a) : null,
    trackingError: std === null ? null : std * Math.sqrt(a),
  };
}
