import type { Conventions, Trade } from '@hindsight/engine';

export interface StatsInput {
  /** Bar timestamps: UTC epoch milliseconds, finite and strictly increasing. */
  time: Float64Array;
  /** Equity at each bar's close (cash + marked-to-market positions), same length as `time`. */
  equity: Float64Array;
  /** The benchmark's closes (for one symbol, its close), same length as `time`, all > 0. */
  close: Float64Array;
  /** Closed trades, in order of exit. */
  trades: readonly Trade[];
  /** Trades still open after the last bar. */
  openTrades: readonly Trade[];
  /** First bar the strategy could decide on minus one; buy-and-hold is measured from here. */
  warmup: number;
  conventions: Conventions;
}

/** The calendar bucket equity is resampled to before period returns are taken. */
export type ReturnBasis = 'day' | 'week' | 'month' | 'year';

/** The granularity durations are rounded up to (they are always reported in days). */
export type DurationUnit = 'day' | 'hour' | 'minute' | 'second' | 'millisecond' | 'microsecond';

/**
 * How the numbers were computed. `annualisation` is `compounded` when volatility is
 * sqrt((var + (1+g)^2)^A - (1+g)^(2A)) (backtesting.py) and `sqrt-time` when it is
 * std * sqrt(A) (hindsight); both annualise returns as (1+g)^A - 1.
 */
export interface StatsConventions {
  profile: Conventions;
  periodsPerYear: number;
  returnBasis: ReturnBasis;
  riskFreeRate: 0;
  ddof: 1;
  annualisation: 'compounded' | 'sqrt-time';
  durationUnit: DurationUnit;
}

/**
 * Every statistic of a run. Percentages are x100; an undefined value is `null`, never 0 or NaN.
 * The formulas are in docs/statistics.md; each key's line below names its formula.
 */
export interface Stats {
  /** First bar's time, ISO 8601 UTC. */
  start: string;
  /** Last bar's time, ISO 8601 UTC. */
  end: string;
  /** (end - start) in days, unrounded. */
  durationDays: number;
  /** Bars inside [entryBar, exitBar] of any closed trade / all bars x100. */
  exposureTimePct: number;
  /** E[N-1]. */
  equityFinal: number;
  /** max(E). */
  equityPeak: number;
  /** Sum of closed trades' commission. */
  commissions: number;
  /** (E[N-1] - E[0]) / E[0] x100. */
  returnPct: number;
  /** (C[N-1] - C[warmup]) / C[warmup] x100. */
  buyHoldReturnPct: number;
  /** ((1+g)^A - 1) x100, g the geometric mean period return. */
  returnAnnPct: number | null;
  /** backtesting.py: sqrt((var(r)+(1+g)^2)^A - (1+g)^(2A)) x100; hindsight: std(r)·sqrt(A) x100. */
  volatilityAnnPct: number | null;
  /** ((E[N-1]/E[0])^(1/years) - 1) x100; years = days/A (backtesting.py), days/365.25 (hindsight). */
  cagrPct: number | null;
  /** backtesting.py: returnAnnPct / volatilityAnnPct; hindsight: mean(r)/std(r)·sqrt(A). */
  sharpeRatio: number | null;
  /**
   * backtesting.py: ((1+g)^A-1) / (sqrt(mean(min(r,0)^2))·sqrt(A));
   * hindsight: mean(r)·sqrt(A) / sqrt(mean(min(r,0)^2)).
   */
  sortinoRatio: number | null;
  /** backtesting.py: ((1+g)^A-1) / maxDD; hindsight: CAGR / maxDD (fractions). */
  calmarRatio: number | null;
  /** returnPct - beta · buyHoldReturnPct. */
  alphaPct: number | null;
  /** cov(log E[t]/E[t-1], log C[t]/C[t-1]) / var(log C[t]/C[t-1]), ddof 1. */
  beta: number | null;
  /** -max(dd) x100, dd[t] = 1 - E[t]/max(E[0..t]). */
  maxDrawdownPct: number;
  /** -mean(depth of each drawdown period) x100. */
  avgDrawdownPct: number | null;
  /** Longest drawdown period, rounded up to the duration unit, in days. */
  maxDrawdownDurationDays: number | null;
  /** Mean drawdown period, rounded up to the duration unit, in days. */
  avgDrawdownDurationDays: number | null;
  /** Number of closed trades. */
  trades: number;
  /** Share of closed trades with pnl > 0, x100. */
  winRatePct: number | null;
  /** max(returnPct) x100. */
  bestTradePct: number | null;
  /** min(returnPct) x100. */
  worstTradePct: number | null;
  /** Geometric mean of trade returns x100. */
  avgTradePct: number | null;
  /** max(exitTime - entryTime), rounded up to the duration unit, in days. */
  maxTradeDurationDays: number | null;
  /** mean(exitTime - entryTime), rounded up to the duration unit, in days. */
  avgTradeDurationDays: number | null;
  /** sum(returnPct > 0) / |sum(returnPct < 0)|. */
  profitFactor: number | null;
  /** mean(returnPct) x100. */
  expectancyPct: number | null;
  /** sqrt(n) · mean(pnl) / std(pnl, ddof 1). */
  sqn: number | null;
  /** W - (1 - W) / (mean winning pnl / mean losing |pnl|). */
  kellyCriterion: number | null;
  /** sum(max(r,0)) / sum(max(-r,0)) over period returns (threshold 0). */
  omegaRatio: number | null;
  /** Longest run of consecutive closed trades with pnl > 0. */
  maxConsecutiveWins: number | null;
  /** Longest run of consecutive closed trades with pnl < 0. */
  maxConsecutiveLosses: number | null;
  /** max(r) x100 over period returns. */
  bestDayPct: number | null;
  /** min(r) x100 over period returns. */
  worstDayPct: number | null;
  /** mean(a)/std(a)·sqrt(A), a = r - r(buy-and-hold of close from the warm-up bar). */
  informationRatio: number | null;
  /** std(a)·sqrt(A) x100. */
  trackingErrorPct: number | null;
  /** Φ(SR·sqrt(n-1) / sqrt(1 - γ3·SR + (γ4-1)/4·SR^2)), SR = mean(r)/std(r) per period. */
  probabilisticSharpeRatio: number | null;
  /** Traded notional (both legs of closed trades, entry of open ones) / mean(E). */
  turnover: number | null;
  /** Closed trades with size > 0. */
  longTrades: number;
  /** Share of long trades with pnl > 0, x100. */
  longWinRatePct: number | null;
  /** Sum of long trades' pnl. */
  longPnl: number;
  /** Closed trades with size < 0. */
  shortTrades: number;
  /** Share of short trades with pnl > 0, x100. */
  shortWinRatePct: number | null;
  /** Sum of short trades' pnl. */
  shortPnl: number;
  /** Number of trades still open after the last bar. */
  openTrades: number;
  conventions: StatsConventions;
}
