import { BACKTESTING_PY_RELEASE } from '@hindsight/engine';
import { summarizeTrial, type TrialSummary, trialOfReturns } from './across-runs/trial.js';
import { betaFromLogReturns } from './beta.js';
import { periodReturns, toActiveReturns } from './daily-returns.js';
import { MetricsInputError } from './errors.js';
import { meanAndStd, type ReturnSummary, summarizeReturns } from './moments.js';
import {
  finestUnit,
  medianSpacing,
  periodsPerYear,
  resamplingBasis,
  roundUpDays,
  roundUpMeanDays,
} from './periods.js';
import { probabilisticSharpeRatio } from './psr.js';
import { activeRatios, omegaRatio, returnRatios } from './ratios.js';
import { type MarketScan, scanBars, scanEquity } from './scan.js';
import type { Stats } from './stats-schema.js';
import { MS_PER_DAY } from './time.js';
import { exposureTimePct, tradeStats, turnover } from './trades.js';
import type { StatsInput } from './types.js';
import { validateStatsInput } from './validate.js';

/**
 * Every statistic of a run (see `StatsSchema` and docs/statistics.md) under `input.conventions`:
 * `backtesting.py` reproduces backtesting.py 0.6.x's compute_stats, `hindsight` swaps in the
 * textbook volatility, Sharpe, Sortino, Calmar and CAGR. Undefined values are null.
 *
 * Cost: one pass over the bars (scan.ts), then passes over the period returns - as many as the
 * bars only for daily data. Temporaries: the period-end indices and one period-return series,
 * overwritten by the active returns (4 + 8 bytes a period), nothing per bar otherwise.
 *
 * `market`, when given, is `scanMarket(input.time, input.close)`: runs on the same bars (a sweep)
 * share it and scan only their equity, with bit-identical results and no per-run temporaries.
 * @throws MetricsInputError naming the first bad input.
 */
export function computeStats(input: StatsInput, market?: MarketScan): Stats {
  return statsOf(input, market);
}

/**
 * A sweep cell's numbers: computeStats(input, market) and summarizeTrial(input.equity,
 * partitions), bit for bit. Where every bar ends a period (daily bars) the trial's bar returns
 * are the statistics' period returns, so its mean and moments are taken from their summary
 * (the same sums in the same order) and only its blocks are summed; else it is computed apart,
 * in `market.trialReturns`.
 * @throws MetricsInputError naming the first bad input.
 */
export function computeStatsAndTrial(
  input: StatsInput,
  market: MarketScan,
  partitions: number,
): { stats: Stats; trial: TrialSummary } {
  let trial: TrialSummary | null = null;
  const stats = statsOf(input, market, (barReturns, summary) => {
    trial = trialOfReturns(barReturns, partitions, summary);
  });
  return { stats, trial: trial ?? summarizeTrial(input.equity, partitions, market.trialReturns) };
}

/**
 * computeStats; `seen`, when given, is shown the period returns and their summary when they are
 * the bar returns (the scan computed them: every bar ends a period), before they are overwritten.
 */
function statsOf(
  input: StatsInput,
  market?: MarketScan,
  seen?: (barReturns: Float64Array, summary: ReturnSummary) => void,
): Stats {
  validateStatsInput(input);
  const { time, equity, close, trades, openTrades, warmup, conventions: profile } = input;
  if (market !== undefined && (market.time !== time || market.close !== close)) {
    throw new MetricsInputError('the market scan is of other bars than the input');
  }
  const n = time.length;
  const first = time[0]!;
  const last = time[n - 1]!;
  const spacing = market ? market.spacing : medianSpacing(time);
  const returnBasis = market ? market.basis : resamplingBasis(spacing);
  const scan = market ? scanEquity(market, equity) : scanBars(time, equity, close, returnBasis);
  const a = periodsPerYear(returnBasis, scan.weekendBars / n);
  const [durationUnit, unitMs] = finestUnit(spacing);

  const ends = scan.periodEnds;
  const r = scan.periodReturns ?? periodReturns(equity, ends, market?.scratch);
  // backtesting.py sums log(1 + r) return by return; the telescoped sum, log(last / first), is
  // as exact but rounds differently, and its compounded volatility (a difference of two nearly
  // equal powers) turns an ulp of g into 1e-8 of the result. The hindsight profile telescopes.
  const returns = summarizeReturns(
    r,
    profile === 'backtesting.py'
      ? undefined
      : Math.log(equity[ends[ends.length - 1]!]! / equity[ends[0]!]!),
  );
  if (seen !== undefined && scan.periodReturns !== null) seen(r, returns);
  const activeStats = meanAndStd(toActiveReturns(r, close, warmup, ends, market?.benchmarkReturns));
  const { informationRatio, trackingError } = activeRatios(activeStats.mean, activeStats.std, a);

  const returnPct = ((equity[n - 1]! - equity[0]!) / equity[0]!) * 100;
  const buyHoldReturnPct = ((close[n - 1]! - close[warmup]!) / close[warmup]!) * 100;
  const beta = betaFromLogReturns(scan.logReturns);
  const ratios = returnRatios({
    profile,
    returns,
    periodsPerYear: a,
    growth: equity[n - 1]! / equity[0]!,
    durationMs: last - first,
    maxDrawdown: scan.maxDrawdown,
  });
  const t = tradeStats(trades, profile, unitMs);
  const periods = scan.drawdownPeriods;
  // With no period at all, backtesting.py averages the non-zero drawdowns instead: only a dip on
  // the very last bar can be one.
  const avgDrawdown =
    periods > 0
      ? scan.drawdownDepthSum / periods
      : scan.lastDrawdown > 0
        ? scan.lastDrawdown
        : null;

  return {
    start: new Date(first).toISOString(),
    end: new Date(last).toISOString(),
    durationDays: (last - first) / MS_PER_DAY,
    exposureTimePct: exposureTimePct(trades, n),
    equityFinal: equity[n - 1]!,
    equityPeak: scan.peak,
    commissions: defined(t.commissions),
    returnPct: defined(returnPct),
    buyHoldReturnPct: defined(buyHoldReturnPct),
    returnAnnPct: finite(ratios.returnAnnPct),
    volatilityAnnPct: finite(ratios.volatilityAnnPct),
    cagrPct: finite(ratios.cagrPct),
    sharpeRatio: finite(ratios.sharpeRatio),
    sortinoRatio: finite(ratios.sortinoRatio),
    calmarRatio: finite(ratios.calmarRatio),
    alphaPct: beta === null ? null : finite(returnPct - beta * buyHoldReturnPct),
    beta: finite(beta),
    maxDrawdownPct: defined(-scan.maxDrawdown * 100),
    avgDrawdownPct: avgDrawdown === null ? null : finite(-avgDrawdown * 100),
    maxDrawdownDurationDays: periods > 0 ? roundUpDays(scan.drawdownMaxDurationMs, unitMs) : null,
    avgDrawdownDurationDays:
      periods > 0 ? roundUpMeanDays(scan.drawdownDurationSumMs, periods, unitMs) : null,
    trades: t.trades,
    winRatePct: t.winRatePct,
    bestTradePct: t.bestTradePct,
    worstTradePct: t.worstTradePct,
    avgTradePct: finite(t.avgTradePct),
    maxTradeDurationDays: t.maxTradeDurationDays,
    avgTradeDurationDays: t.avgTradeDurationDays,
    profitFactor: finite(t.profitFactor),
    expectancyPct: finite(t.expectancyPct),
    sqn: finite(t.sqn),
    kellyCriterion: finite(t.kellyCriterion),
    omegaRatio: finite(omegaRatio(returns)),
    maxConsecutiveWins: t.maxConsecutiveWins,
    maxConsecutiveLosses: t.maxConsecutiveLosses,
    bestDayPct: returns.best === null ? null : finite(returns.best * 100),
    worstDayPct: returns.worst === null ? null : finite(returns.worst * 100),
    informationRatio: finite(informationRatio),
    trackingErrorPct: trackingError === null ? null : finite(trackingError * 100),
    probabilisticSharpeRatio: finite(probabilisticSharpeRatio(returns)),
    turnover: finite(turnover(trades, openTrades, scan.equitySum / n)),
    longTrades: t.longTrades,
    longWinRatePct: t.longWinRatePct,
    longPnl: defined(t.longPnl),
    shortTrades: t.shortTrades,
    shortWinRatePct: t.shortWinRatePct,
    shortPnl: defined(t.shortPnl),
    openTrades: openTrades.length,
    conventions: {
      profile,
      reproduces: profile === 'backtesting.py' ? BACKTESTING_PY_RELEASE : null,
      periodsPerYear: a,
      returnBasis,
      riskFreeRate: 0,
      ddof: 1,
      annualisation: profile === 'backtesting.py' ? 'compounded' : 'sqrt-time',
      durationUnit,
    },
  };
}

/** NaN and ±Infinity are undefined results: null. -0 becomes 0. */
function finite(x: number | null): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  return x === 0 ? 0 : x;
}

/** A value finite for every valid input; only -0 needs normalising. */
function defined(x: number): number {
  return x === 0 ? 0 : x;
}
