import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { sma } from '../indicators/sma.js';
import { crossover, emptySignals, firstDefined, type Signals } from '../signals.js';
import { simulate } from './simulate.js';
import type { SimulationConfig, Trade } from './types.js';
import { simulationConfig } from './types.js';

/**
 * kernc/backtesting.py `backtesting/test/_test.py`, `test_compute_stats`:
 * `Backtest(GOOG, SmaCross, finalize_trades=True).run()` with cash 10_000 and commission 0, where
 * SmaCross(fast=10, slow=30) does `position.close(); buy()` on crossover(sma1, sma2) and
 * `position.close(); sell()` on crossover(sma2, sma1). The expected values are copied from that
 * file; the trade aggregates are computed here with the formulas of docs/statistics.md.
 */
const PUBLISHED = {
  trades: 66,
  equityFinal: 51422.98999999996,
  equityPeak: 75787.44,
  winRatePct: 46.96969696969697,
  bestTradePct: 53.59595229490424,
  worstTradePct: -18.39887353835481,
  expectancyPct: 3.2748078066748834,
  profitFactor: 2.167945974262033,
  sqn: 1.0766187356697705,
  kellyCriterion: 0.1518705127029717,
  returnPct: 414.2298999999996,
  exposureTimePct: 96.74115456238361,
  maxTradeDurationDays: 183,
};

const DAY = 86_400_000;

const CONFIG: SimulationConfig = simulationConfig({
  cash: 10_000,
  commission: 0,
  finalizeTrades: true,
  conventions: 'backtesting.py',
});

function smaCrossReversal(close: Float64Array, fast: number, slow: number): Signals {
  const fastSma = sma(close, fast);
  const slowSma = sma(close, slow);
  const warmup = Math.max(firstDefined(fastSma), firstDefined(slowSma));
  const signals = emptySignals(close.length, warmup);
  for (let i = 0; i < close.length; i++) {
    const up = crossover(fastSma, slowSma, i) ? 1 : 0;
    const down = crossover(slowSma, fastSma, i) ? 1 : 0;
    signals.enterLong[i] = up;
    signals.exitShort[i] = up;
    signals.enterShort[i] = down;
    signals.exitLong[i] = down;
  }
  return signals;
}

const mean = (values: readonly number[]): number =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

function sampleStd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

function expectRelative(actual: number, expected: number, label: string): void {
  const error = Math.abs(actual - expected) / Math.abs(expected);
  expect(error, `${label}: ${actual} vs published ${expected}`).toBeLessThan(1e-9);
}

function aggregates(trades: readonly Trade[], equity: Float64Array) {
  const pnl = trades.map((trade) => trade.pnl);
  // backtesting.py's trade returns are fractions; Trade.returnPct is a percent.
  const returns = trades.map((trade) => trade.returnPct / 100);
  const wins = pnl.filter((value) => value > 0);
  const losses = pnl.filter((value) => value < 0);
  const winRate = wins.length / trades.length;
  const exposed = new Uint8Array(equity.length);
  for (const trade of trades) exposed.fill(1, trade.entryBar, trade.exitBar + 1);
  const positive = returns.filter((value) => value > 0).reduce((sum, value) => sum + value, 0);
  const negative = returns.filter((value) => value < 0).reduce((sum, value) => sum + value, 0);
  return {
    trades: trades.length,
    equityFinal: equity[equity.length - 1]!,
    equityPeak: Math.max(...equity),
    winRatePct: winRate * 100,
    bestTradePct: Math.max(...returns) * 100,
    worstTradePct: Math.min(...returns) * 100,
    expectancyPct: mean(returns) * 100,
    profitFactor: positive / Math.abs(negative),
    sqn: (Math.sqrt(trades.length) * mean(pnl)) / sampleStd(pnl),
    kellyCriterion: winRate - (1 - winRate) / (mean(wins) / -mean(losses)),
    returnPct: ((equity[equity.length - 1]! - equity[0]!) / equity[0]!) * 100,
    exposureTimePct: (exposed.reduce((sum, value) => sum + value, 0) / equity.length) * 100,
    maxTradeDurationDays: Math.max(...trades.map((t) => (t.exitTime - t.entryTime) / DAY)),
  };
}

describe('backtesting.py profile against backtesting.py test_compute_stats (GOOG, SmaCross 10/30)', () => {
  const bars = loadBars('GOOG');
  const signals = smaCrossReversal(bars.close, 10, 30);
  const result = simulate([{ symbol: 'GOOG', bars, signals, weight: 1 }], CONFIG);

  it('reproduces every published trade and equity statistic within 1e-9 relative', () => {
    const actual = aggregates(result.trades, result.equity);
    expect(actual.trades).toBe(PUBLISHED.trades);
    for (const key of Object.keys(PUBLISHED) as (keyof typeof PUBLISHED)[]) {
      expectRelative(actual[key], PUBLISHED[key], key);
    }
  });

  it('starts on bar 30 (SMA(30) warm-up 29 + 1) with the starting cash before it', () => {
    expect(result.warmup).toBe(29);
    expect(Array.from(result.equity.subarray(0, 31)).every((value) => value === 10_000)).toBe(true);
    expect(result.openTrades).toEqual([]);
    expect(result.equity[bars.length - 1]).toBe(result.cash![bars.length - 1]);
  });

  it("matches backtesting.py's own docstring run without finalize_trades (65 trades)", () => {
    // backtesting.py's `Backtest.run` docstring, `Backtest(GOOG, SmaCross).run()`:
    // '# Trades 65', 'Equity Final [$] 51959.9', 'Win Rate [%] 46.1538' (rounded there).
    const open = simulate([{ symbol: 'GOOG', bars, signals, weight: 1 }], {
      ...CONFIG,
      finalizeTrades: false,
    });
    expect(open.trades.length).toBe(65);
    expect(open.openTrades.length).toBe(1);
    expect(open.equity[bars.length - 1]).toBeCloseTo(51959.9, 1);
    const winRate = open.trades.filter((trade) => trade.pnl > 0).length / open.trades.length;
    expect(winRate * 100).toBeCloseTo(46.1538, 4);
  });
});
