import { describe, expect, it } from 'vitest';
import { computePerformanceStats, type RunSummary } from './performance-summary.js';

let n = 0;
function row(
  status: RunSummary['status'],
  createdAt: string,
  returnPct: number | null = null,
): RunSummary {
  n += 1;
  return {
    id: `0000000000000000000000000${n % 10}`,
    status,
    createdAt,
    returnPct,
  };
}

describe('computePerformanceStats', () => {
  it('is all nulls and empty lists for no backtests, never a misleading 0', () => {
    const stats = computePerformanceStats([]);
    expect(stats.successRate).toBeNull();
    expect(stats.returns).toEqual({
      averagePct: null,
      bestPct: null,
      worstPct: null,
      bestId: null,
      worstId: null,
    });
    expect(stats.histogram).toEqual([]);
    expect(stats.monthly).toEqual([]);
  });

  it('counts, rates and averages a small history computed by hand', () => {
    const rows = [
      row('completed', '2024-01-05T10:00:00.000Z', 10),
      row('completed', '2024-01-20T10:00:00.000Z', -4),
      row('failed', '2024-01-21T10:00:00.000Z'),
      row('completed', '2024-03-02T10:00:00.000Z', 3),
      row('cancelled', '2024-03-03T10:00:00.000Z'),
      row('running', '2024-03-04T10:00:00.000Z'),
      row('queued', '2024-03-05T10:00:00.000Z'),
    ];
    const stats = computePerformanceStats(rows);
    expect(stats.totals).toEqual({
      all: 7,
      queued: 1,
      running: 1,
      completed: 3,
      failed: 1,
      cancelled: 1,
    });
    // 3 completed / (3 completed + 1 failed); the cancelled run is not a failure.
    expect(stats.successRate).toBe(0.75);
    // (10 - 4 + 3) / 3 = 3.
    expect(stats.returns.averagePct).toBe(3);
    expect([stats.returns.bestPct, stats.returns.bestId]).toEqual([10, rows[0]!.id]);
    expect([stats.returns.worstPct, stats.returns.worstId]).toEqual([-4, rows[1]!.id]);
    expect(stats.monthly).toEqual([
      // January: (10 - 4) / 2 = 3. No February row: months without backtests are left out.
      { month: '2024-01', total: 3, completed: 2, failed: 1, averageReturnPct: 3 },
      { month: '2024-03', total: 4, completed: 1, failed: 0, averageReturnPct: 3 },
    ]);
  });

  it('bins returns in nice equal widths covering every return once', () => {
    // Span 14 - (-4) = 18; 18 / 10 bins = 1.8, rounded up to the next 1-2-5 step: width 2.
    // First edge floor(-4 / 2) * 2 = -4; last bin holds 14: floor((14 + 4) / 2) = bin 9.
    const returns = [-4, -3.5, 0, 0.1, 1.99, 2, 14];
    const stats = computePerformanceStats(
      returns.map((r) => row('completed', '2024-01-01T00:00:00.000Z', r)),
    );
    expect(stats.histogram).toHaveLength(10);
    expect(stats.histogram[0]).toEqual({ fromPct: -4, toPct: -2, count: 2 });
    expect(stats.histogram[2]).toEqual({ fromPct: 0, toPct: 2, count: 3 });
    expect(stats.histogram[3]).toEqual({ fromPct: 2, toPct: 4, count: 1 });
    expect(stats.histogram[9]).toEqual({ fromPct: 14, toPct: 16, count: 1 });
    expect(stats.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(returns.length);
  });

  it('keeps edges free of binary noise and puts a return on an edge in the bin above', () => {
    // Span 0.9 -> raw width 0.09 -> 0.1; 0.3 must land in [0.3, 0.4), not [0.2, 0.3).
    const stats = computePerformanceStats(
      [0, 0.3, 0.9].map((r) => row('completed', '2024-01-01T00:00:00.000Z', r)),
    );
    expect(stats.histogram[3]).toEqual({ fromPct: 0.3, toPct: 0.4, count: 1 });
  });

  it('makes one bin when every return is equal', () => {
    const stats = computePerformanceStats(
      [5, 5].map((r) => row('completed', '2024-01-01T00:00:00.000Z', r)),
    );
    expect(stats.histogram).toEqual([{ fromPct: 5, toPct: 6, count: 2 }]);
  });

  it('leaves a completed run with an undefined return out of the return figures', () => {
    const stats = computePerformanceStats([
      row('completed', '2024-01-01T00:00:00.000Z', null),
      row('completed', '2024-01-02T00:00:00.000Z', 2),
    ]);
    expect(stats.returns.averagePct).toBe(2);
    expect(stats.totals.completed).toBe(2);
  });
});
