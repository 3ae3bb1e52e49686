import type { Trade } from '@hindsight/engine';
import { describe, expect, it } from 'vitest';
import { exposureTimePct, tradeStats, turnover } from './trades.js';

const DAY = 86_400_000;
const trade = (fields: Partial<Trade>): Trade => ({
  symbol: 'X',
  size: 1,
  entryBar: 0,
  exitBar: 0,
  entryTime: 0,
  exitTime: 0,
  entryPrice: 1,
  exitPrice: 1,
  pnl: 0,
  commission: 0,
  returnPct: 0,
  exitReason: 'signal',
  ...fields,
});

describe('exposureTimePct', () => {
  it('counts each bar once however many trades cover it', () => {
    // [1,3] and [2,5] overlap -> bars 1..5; [8,8] one bar; 6 of 10 bars.
    const trades = [
      trade({ entryBar: 2, exitBar: 5 }),
      trade({ entryBar: 1, exitBar: 3 }),
      trade({ entryBar: 8, exitBar: 8 }),
    ];
    expect(exposureTimePct(trades, 10)).toBe(60);
    expect(exposureTimePct([], 10)).toBe(0);
  });

  it('gives the same share whatever the order of the trades (in entry order, no sort is needed)', () => {
    const spans = [
      [0, 0],
      [1, 4],
      [1, 2],
      [3, 7],
      [9, 12],
      [11, 11],
      [15, 19],
    ] as const;
    const inEntryOrder = spans.map(([entryBar, exitBar]) => trade({ entryBar, exitBar }));
    // 0, 1..7, 9..12, 15..19: 1 + 7 + 4 + 5 = 17 of 20 bars.
    expect(exposureTimePct(inEntryOrder, 20)).toBe(85);
    expect(exposureTimePct([...inEntryOrder].reverse(), 20)).toBe(85);
    expect(exposureTimePct([inEntryOrder[3]!, ...inEntryOrder.slice(0, 3)], 8)).toBe(100);
  });
});

describe('tradeStats', () => {
  // pnl +3, -1, 0, +2, +2, -4: streaks W L (0 breaks both) W W L.
  const pnls = [3, -1, 0, 2, 2, -4];
  const trades = pnls.map((pnl, i) =>
    trade({
      pnl,
      returnPct: pnl,
      size: i % 2 === 0 ? 2 : -2,
      entryTime: i * DAY,
      exitTime: i * DAY + (i + 1) * 3_600_000,
      commission: 0.1,
    }),
  );

  it('counts streaks, sides and wins (pnl > 0) as worked by hand', () => {
    const s = tradeStats(trades, 'hindsight', 3_600_000);
    expect([s.maxConsecutiveWins, s.maxConsecutiveLosses]).toEqual([2, 1]);
    expect(s.winRatePct).toBe(50);
    // Longs (even indices) +3, 0, +2: 2 wins of 3; shorts -1, +2, -4: 1 win of 3.
    expect([s.longTrades, s.longWinRatePct, s.longPnl]).toEqual([3, (2 / 3) * 100, 5]);
    expect([s.shortTrades, s.shortWinRatePct, s.shortPnl]).toEqual([3, (1 / 3) * 100, -3]);
    expect(s.commissions).toBeCloseTo(0.6, 15);
    // Durations 1..6 hours (unit: hour): max 6 h, mean 3.5 h -> 4 h.
    expect(s.maxTradeDurationDays).toBe(6 / 24);
    expect(s.avgTradeDurationDays).toBe(4 / 24);
    // Returns 3 -1 0 2 2 -4 %: gains .07, losses .05.
    expect(s.profitFactor).toBeCloseTo(0.07 / 0.05, 14);
    // W = .5, mean win 7/3, mean loss 5/2.
    expect(s.kellyCriterion).toBeCloseTo(0.5 - 0.5 / (7 / 3 / 2.5), 14);
  });

  it('reports the geometric mean trade per profile when a trade loses everything', () => {
    const wipeout = [trade({ returnPct: 50, pnl: 1 }), trade({ returnPct: -100, pnl: -1 })];
    expect(tradeStats(wipeout, 'backtesting.py', DAY).avgTradePct).toBe(0);
    expect(tradeStats(wipeout, 'hindsight', DAY).avgTradePct).toBe(-100);
  });
});

describe('turnover', () => {
  it('adds both legs of closed trades and the entry of open ones, over mean equity', () => {
    const closed = [trade({ size: -3, entryPrice: 10, exitPrice: 12 })];
    const open = [trade({ size: 2, entryPrice: 20, exitPrice: 25 })];
    expect(turnover(closed, open, 100)).toBeCloseTo((3 * 22 + 2 * 20) / 100, 15);
    expect(turnover(closed, open, 0)).toBeNull();
  });
});
