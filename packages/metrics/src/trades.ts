import type { Conventions, Trade } from '@hindsight/engine';
import { geometricMean, geometricMeanBacktestingPy, summarizeReturns } from './moments.js';
import { roundUpDays, roundUpMeanDays } from './periods.js';
import type { Stats } from './stats-schema.js';

/** The statistics of the closed trades. */
export type TradeStats = Pick<
  Stats,
  | 'trades'
  | 'commissions'
  | 'winRatePct'
  | 'bestTradePct'
  | 'worstTradePct'
  | 'avgTradePct'
  | 'maxTradeDurationDays'
  | 'avgTradeDurationDays'
  | 'profitFactor'
  | 'expectancyPct'
  | 'sqn'
  | 'kellyCriterion'
  | 'maxConsecutiveWins'
  | 'maxConsecutiveLosses'
  | 'longTrades'
  | 'longWinRatePct'
  | 'longPnl'
  | 'shortTrades'
  | 'shortWinRatePct'
  | 'shortPnl'
>;

/**
 * Win = pnl > 0, loss = pnl < 0 (a trade at exactly 0 is neither and breaks both streaks).
 * Trade returns are `Trade.returnPct` / 100: fractions, as backtesting.py's formulas take them
 * (the round trip through a percent moves a value by about 1e-16 relative). Durations are
 * exitTime - entryTime, rounded up to `durationUnitMs`. avgTradePct is the returns' geometric
 * mean: backtesting.py reports 0 when a return is <= -100 %, hindsight -100 when one is exactly
 * -100 % and null below that.
 */
export function tradeStats(
  trades: readonly Trade[],
  profile: Conventions,
  durationUnitMs: number,
): TradeStats {
  const n = trades.length;
  let commissions = 0;
  let wins = 0;
  let winPnl = 0;
  let losses = 0;
  let lossPnl = 0;
  let pnlSum = 0;
  let grossWin = 0;
  let grossLoss = 0;
  let durationSum = 0;
  let maxDuration = 0;
  let runWins = 0;
  let runLosses = 0;
  let maxWins = 0;
  let maxLosses = 0;
  const long = { trades: 0, wins: 0, pnl: 0 };
  const short = { trades: 0, wins: 0, pnl: 0 };
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = trades[i]!;
    commissions += t.commission;
    pnlSum += t.pnl;
    const fraction = t.returnPct / 100;
    returns[i] = fraction;
    if (fraction > 0) grossWin += fraction;
    else if (fraction < 0) grossLoss -= fraction;
    runWins = t.pnl > 0 ? runWins + 1 : 0;
    runLosses = t.pnl < 0 ? runLosses + 1 : 0;
    if (runWins > maxWins) maxWins = runWins;
    if (runLosses > maxLosses) maxLosses = runLosses;
    if (t.pnl > 0) {
      wins++;
      winPnl += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      lossPnl -= t.pnl;
    }
    const side = t.size > 0 ? long : t.size < 0 ? short : null;
    if (side) {
      side.trades++;
      side.pnl += t.pnl;
      if (t.pnl > 0) side.wins++;
    }
    const duration = t.exitTime - t.entryTime;
    durationSum += duration;
    if (duration > maxDuration) maxDuration = duration;
  }
  const r = summarizeReturns(returns);
  const winRate = n > 0 ? wins / n : null;
  let pnlStd: number | null = null;
  if (n >= 2) {
    const mean = pnlSum / n;
    let s2 = 0;
    for (const t of trades) s2 += (t.pnl - mean) ** 2;
    pnlStd = Math.sqrt(s2 / (n - 1));
  }
  const avgGrowth = profile === 'backtesting.py' ? geometricMeanBacktestingPy(r) : geometricMean(r);
  return {
    trades: n,
    commissions,
    winRatePct: winRate === null ? null : winRate * 100,
    bestTradePct: r.best === null ? null : r.best * 100,
    worstTradePct: r.worst === null ? null : r.worst * 100,
    avgTradePct: avgGrowth === null ? null : avgGrowth * 100,
    maxTradeDurationDays: n > 0 ? roundUpDays(maxDuration, durationUnitMs) : null,
    avgTradeDurationDays: n > 0 ? roundUpMeanDays(durationSum, n, durationUnitMs) : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    expectancyPct: r.mean === null ? null : r.mean * 100,
    sqn: pnlStd ? (Math.sqrt(n) * (pnlSum / n)) / pnlStd : null,
    kellyCriterion:
      winRate !== null && wins > 0 && losses > 0
        ? winRate - (1 - winRate) / (winPnl / wins / (lossPnl / losses))
        : null,
    maxConsecutiveWins: n > 0 ? maxWins : null,
    maxConsecutiveLosses: n > 0 ? maxLosses : null,
    longTrades: long.trades,
    longWinRatePct: long.trades > 0 ? (long.wins / long.trades) * 100 : null,
    longPnl: long.pnl,
    shortTrades: short.trades,
    shortWinRatePct: short.trades > 0 ? (short.wins / short.trades) * 100 : null,
    shortPnl: short.pnl,
  };
}

/**
 * Share of bars (x100) inside [entryBar, exitBar] of at least one closed trade; overlapping trades
 * count once. Open trades are not counted (backtesting.py's finalize_trades=False).
 */
export function exposureTimePct(trades: readonly Trade[], bars: number): number {
  if (trades.length === 0) return 0;
  // Trades close in order of exit, which is entry order for one position at a time: then the
  // (stable) sort would not move a trade, and is skipped.
  let sorted = true;
  for (let i = 1; i < trades.length && sorted; i++) {
    sorted = trades[i - 1]!.entryBar <= trades[i]!.entryBar;
  }
  const order = sorted
    ? null
    : trades.map((_, i) => i).sort((a, b) => trades[a]!.entryBar - trades[b]!.entryBar);
  let covered = 0;
  let from = -1;
  let to = -2;
  for (let k = 0; k < trades.length; k++) {
    const { entryBar, exitBar } = trades[order === null ? k : order[k]!]!;
    if (entryBar > to + 1) {
      covered += to - from + 1;
      from = entryBar;
      to = exitBar;
    } else if (exitBar > to) {
      to = exitBar;
    }
  }
  covered += to - from + 1;
  return (covered / bars) * 100;
}

/**
 * Traded notional over mean equity, not annualised: both legs |size|·price of every closed trade
 * plus the entry leg of every open trade, divided by the mean of the equity curve. null when the
 * mean equity is not positive.
 */
export function turnover(
  trades: readonly Trade[],
  openTrades: readonly Trade[],
  meanEquity: number,
): number | null {
  let notional = 0;
  for (const t of trades) notional += Math.abs(t.size) * (t.entryPrice + t.exitPrice);
  for (const t of openTrades) notional += Math.abs(t.size) * t.entryPrice;
  return meanEquity > 0 ? notional / meanEquity : null;
}
