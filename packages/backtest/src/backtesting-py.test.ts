import { fileURLToPath } from 'node:url';
import { simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { runBacktest } from './run-backtest.js';

const GOOG = fileURLToPath(new URL('../../../fixtures/market-data/GOOG.csv', import.meta.url));

/**
 * backtesting.py 0.6.6's own published values: kernc/backtesting.py at tag 0.6.6 (commit
 * 9c2b8e1c99f3a860883222ba8d6d5b5cac3a932d), backtesting/test/_test.py,
 * TestBacktest.test_compute_stats - after PR #1346 (CAGR over 365.25-day years, the geometric
 * mean over the returns that exist); copies of the test from before it publish other values -
 * `Backtest(GOOG, SmaCross, finalize_trades=True).run()` with cash 10_000, commission 0, where
 * SmaCross(fast=10, slow=30) closes and reverses on each crossover (long and short).
 * The test there compares with rtol 1e-8; we hold ourselves to 1e-9.
 */
const PUBLISHED = {
  trades: 66,
  avgDrawdownDurationDays: 41,
  avgDrawdownPct: -5.925851581948801,
  avgTradeDurationDays: 46,
  avgTradePct: 2.531715975158555,
  bestTradePct: 53.59595229490424,
  buyHoldReturnPct: 522.0601851851852,
  calmarRatio: 0.44166409202994605,
  durationDays: 3116,
  equityFinal: 51422.98999999996,
  equityPeak: 75787.44,
  expectancyPct: 3.2748078066748834,
  exposureTimePct: 96.74115456238361,
  maxDrawdownDurationDays: 584,
  maxDrawdownPct: -47.98012705007589,
  maxTradeDurationDays: 183,
  profitFactor: 2.167945974262033,
  returnAnnPct: 21.191099249053224,
  returnPct: 414.2298999999996,
  volatilityAnnPct: 36.49716090702389,
  cagrPct: 21.160245705962623,
  sqn: 1.0766187356697705,
  kellyCriterion: 0.1518705127029717,
  sharpeRatio: 0.5806232244485349,
  sortinoRatio: 1.0853434352488662,
  winRatePct: 46.96969696969697,
  worstTradePct: -18.39887353835481,
  alphaPct: 394.37391142027462,
  beta: 0.03803390709192,
} as const;

describe('backtesting.py profile on GOOG, against backtesting.py 0.6.6 published values', () => {
  it('reproduces every statistic of test_compute_stats within 1e-9 relative', async () => {
    const bars = await readCsvFile(GOOG);
    const { stats } = runBacktest({
      symbols: [{ symbol: 'GOOG', bars }],
      strategy: 'sma_crossover',
      params: { fast: 10, slow: 30, allowShort: true },
      config: simulationConfig({
        cash: 10_000,
        commission: 0,
        finalizeTrades: true,
        conventions: 'backtesting.py',
      }),
    });
    expect(stats.start).toBe('2004-08-19T00:00:00.000Z');
    expect(stats.end).toBe('2013-03-01T00:00:00.000Z');
    for (const [key, expected] of Object.entries(PUBLISHED)) {
      const actual = stats[key as keyof typeof PUBLISHED];
      expect(actual, key).not.toBeNull();
      const relative = Math.abs((actual as number) - expected) / Math.abs(expected);
      expect(relative, `${key}: got ${actual}, backtesting.py ${expected}`).toBeLessThan(1e-9);
    }
  });
});
