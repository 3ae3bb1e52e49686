import { computeStats, pickStats, StatsSchema } from '@hindsight/metrics';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { BacktestSummary, SUMMARY_STATS } from './backtest-record.js';
import { BacktestSummaryRow } from './performance-stats.js';

describe('BacktestSummary', () => {
  it('holds statistics of StatsSchema, each nullable, and nothing else', () => {
    expect(Object.keys(BacktestSummary.properties)).toEqual([...SUMMARY_STATS]);
    for (const key of SUMMARY_STATS) {
      expect(Object.keys(StatsSchema.properties), key).toContain(key);
      expect(Value.Check(BacktestSummary.properties[key], null), key).toBe(true);
    }
    expect(BacktestSummaryRow.properties.returnPct).toBe(BacktestSummary.properties.returnPct);
  });

  it("keeps StatsSchema's constraints: trades is a count, the win rate a share", () => {
    const summary = { ...Value.Create(BacktestSummary), trades: 3, winRatePct: 50 };
    expect(Value.Check(BacktestSummary, summary)).toBe(true);
    expect(Value.Check(BacktestSummary, { ...summary, trades: 2.5 })).toBe(false);
    expect(Value.Check(BacktestSummary, { ...summary, winRatePct: 101 })).toBe(false);
  });

  it("is what a run's statistics give", () => {
    const stats = computeStats({
      time: Float64Array.from([0, 86_400_000, 172_800_000]),
      equity: Float64Array.from([100, 104, 102]),
      close: Float64Array.from([10, 11, 12]),
      trades: [],
      openTrades: [],
      warmup: 0,
      conventions: 'hindsight',
    });
    expect(Value.Check(BacktestSummary, pickStats(stats, SUMMARY_STATS))).toBe(true);
  });
});
