import type { Conventions, Trade } from '@hindsight/engine';
import fc from 'fast-check';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { loadCloses } from '../test/market-data.js';
import { MetricsInputError } from './errors.js';
import { computeStats } from './stats.js';
import { type Stats, StatsSchema } from './stats-schema.js';
import type { StatsInput } from './types.js';

const DAY = 86_400_000;
const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);

function trade(fields: Partial<Trade> & Pick<Trade, 'entryBar' | 'exitBar'>): Trade {
  return {
    symbol: 'X',
    size: 1,
    entryTime: 0,
    exitTime: 0,
    entryPrice: 1,
    exitPrice: 1,
    pnl: 0,
    commission: 0,
    returnPct: 0,
    exitReason: 'signal',
    ...fields,
  };
}

function stats(
  input: Partial<Omit<StatsInput, 'time' | 'equity'>> & { time: number[]; equity: number[] },
  conventions: Conventions = 'backtesting.py',
): Stats {
  return computeStats({
    trades: [],
    openTrades: [],
    warmup: 0,
    conventions,
    ...input,
    time: Float64Array.from(input.time),
    equity: Float64Array.from(input.equity),
    close: input.close ?? Float64Array.from(input.time, () => 1),
  });
}

/**
 * No statistic may be NaN or infinite: undefined ones are null. And the result is what StatsSchema
 * says, key for key, so a statistic added to computeStats or the schema alone fails here.
 */
function expectWellFormed(s: Stats): void {
  for (const [key, value] of Object.entries(s)) {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
  }
  expect(Object.keys(s)).toEqual(Object.keys(StatsSchema.properties));
  expect([...Value.Errors(StatsSchema, s)]).toEqual([]);
}

/*
 * Six weekday bars, Thu 2024-01-04 .. Thu 2024-01-11 (a weekend between Fri and Mon):
 *   E  = 100 120  90 120 110 105
 *   peak 100 120 120 120 120 120
 *   dd = 0    0  .25  0  1/12 1/8
 * dd == 0 on bars 0, 1, 3, and the last bar 5 closes the list: pairs (0,1) (1,3) (3,5); (0,1) is
 * adjacent, so two periods: (1,3) Fri -> Tue = 4 days, depth .25; (3,5) Tue -> Thu = 2 days
 * (still open at the end, counted), depth max(0, 1/12, 1/8) = .125.
 * Daily returns (one bar a day, six days): .2, -.25, 1/3, -1/12, -1/22; E[5]/E[0] = 1.05.
 */
const time = [
  '2024-01-04',
  '2024-01-05',
  '2024-01-08',
  '2024-01-09',
  '2024-01-10',
  '2024-01-11',
].map(utc);
const equity = [100, 120, 90, 120, 110, 105];
const close = Float64Array.from([10, 11, 12, 11, 12, 13]);
const returns = [0.2, -0.25, 1 / 3, -1 / 12, -1 / 22];
const long = trade({
  size: 10,
  entryBar: 1,
  exitBar: 3,
  entryTime: time[1]!,
  exitTime: time[3]!,
  entryPrice: 11,
  exitPrice: 11.5,
  commission: 1,
  pnl: 10 * 0.5 - 1,
  returnPct: (11.5 / 11 - 1 - 1 / 110) * 100,
});
const short = trade({
  size: -5,
  entryBar: 4,
  exitBar: 5,
  entryTime: time[4]!,
  exitTime: time[5]!,
  entryPrice: 12,
  exitPrice: 13,
  commission: 0.5,
  pnl: -5 * 1 - 0.5,
  returnPct: (-(13 / 12 - 1) - 0.5 / 60) * 100,
});
const sixBars = { time, equity, close, trades: [long, short], warmup: 1 };

describe('computeStats on a six-bar curve worked by hand', () => {
  const bpy = stats(sixBars, 'backtesting.py');
  const hs = stats(sixBars, 'hindsight');

  it('reports the equity, period and buy-and-hold figures', () => {
    expect(bpy.start).toBe('2024-01-04T00:00:00.000Z');
    expect(bpy.end).toBe('2024-01-11T00:00:00.000Z');
    expect(bpy.durationDays).toBe(7);
    expect(bpy.equityFinal).toBe(105);
    expect(bpy.equityPeak).toBe(120);
    expect(bpy.returnPct).toBeCloseTo(5, 12);
    // From the warm-up bar: (13 - 11) / 11.
    expect(bpy.buyHoldReturnPct).toBeCloseTo((2 / 11) * 100, 12);
    // Bars 1..3 and 4..5 are in a trade: 5 of 6.
    expect(bpy.exposureTimePct).toBeCloseTo((5 / 6) * 100, 12);
    expect(bpy.conventions).toEqual({
      profile: 'backtesting.py',
      reproduces: 'backtesting.py@0.6.6',
      periodsPerYear: 252,
      returnBasis: 'day',
      riskFreeRate: 0,
      ddof: 1,
      annualisation: 'compounded',
      durationUnit: 'day',
    });
  });

  it('finds both drawdown periods, the open one at the end included', () => {
    expect(bpy.maxDrawdownPct).toBe(-25);
    expect(bpy.avgDrawdownPct).toBeCloseTo(-((0.25 + 0.125) / 2) * 100, 12);
    expect(bpy.maxDrawdownDurationDays).toBe(4);
    expect(bpy.avgDrawdownDurationDays).toBe(3);
  });

  it('annualises as backtesting.py 0.6.6: g over the five returns, years = 7 / 365.25', () => {
    // g = 1.05^(1/5) - 1 (0.6.6 drops the leading NaN return), so (1+g)^252 = 1.05^(252/5).
    expect(bpy.returnAnnPct).toBeCloseTo((1.05 ** (252 / 5) - 1) * 100, 8);
    expect(bpy.cagrPct).toBeCloseTo((1.05 ** (365.25 / 7) - 1) * 100, 8);
    const g = 1.05 ** (1 / 5) - 1;
    const mean = returns.reduce((a, b) => a + b) / 5;
    const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 4;
    const vol = Math.sqrt((variance + (1 + g) ** 2) ** 252 - (1 + g) ** 504);
    expect(bpy.volatilityAnnPct).toBeCloseTo(vol * 100, 6);
    expect(bpy.sharpeRatio).toBeCloseTo((1.05 ** (252 / 5) - 1) / vol, 12);
    const downside = Math.sqrt((0.25 ** 2 + (1 / 12) ** 2 + (1 / 22) ** 2) / 5);
    expect(bpy.sortinoRatio).toBeCloseTo((1.05 ** (252 / 5) - 1) / (downside * Math.sqrt(252)), 10);
    expect(bpy.calmarRatio).toBeCloseTo((1.05 ** (252 / 5) - 1) / 0.25, 10);
  });

  it('annualises as the textbook in the hindsight profile', () => {
    const mean = returns.reduce((a, b) => a + b) / 5;
    const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 4);
    const downside = Math.sqrt((0.25 ** 2 + (1 / 12) ** 2 + (1 / 22) ** 2) / 5);
    expect(hs.returnAnnPct).toBeCloseTo((1.05 ** (252 / 5) - 1) * 100, 8);
    expect(hs.volatilityAnnPct).toBeCloseTo(std * Math.sqrt(252) * 100, 10);
    expect(hs.sharpeRatio).toBeCloseTo((mean / std) * Math.sqrt(252), 12);
    expect(hs.sortinoRatio).toBeCloseTo((mean * Math.sqrt(252)) / downside, 12);
    const cagr = 1.05 ** (365.25 / 7) - 1;
    expect(hs.cagrPct).toBeCloseTo(cagr * 100, 8);
    expect(hs.calmarRatio).toBeCloseTo(cagr / 0.25, 10);
    expect(hs.conventions.annualisation).toBe('sqrt-time');
  });

  it('reports the trade statistics', () => {
    const r1 = 4 / 110;
    const r2 = -11 / 120;
    expect(bpy.trades).toBe(2);
    expect(bpy.winRatePct).toBe(50);
    expect(bpy.commissions).toBe(1.5);
    expect(bpy.bestTradePct).toBeCloseTo(r1 * 100, 12);
    expect(bpy.worstTradePct).toBeCloseTo(r2 * 100, 12);
    expect(bpy.avgTradePct).toBeCloseTo((Math.sqrt((1 + r1) * (1 + r2)) - 1) * 100, 12);
    expect(bpy.profitFactor).toBeCloseTo(r1 / -r2, 12);
    expect(bpy.expectancyPct).toBeCloseTo(((r1 + r2) / 2) * 100, 12);
    // pnl 4 and -5.5: mean -0.75, std (ddof 1) 9.5 / sqrt(2).
    expect(bpy.sqn).toBeCloseTo((Math.SQRT2 * -0.75) / (9.5 / Math.SQRT2), 12);
    // W = 0.5, mean win 4, mean loss 5.5: 0.5 - 0.5 / (4 / 5.5).
    expect(bpy.kellyCriterion).toBeCloseTo(-0.1875, 12);
    // Fri -> Tue = 4 days and Wed -> Thu = 1 day: mean 2.5 rounds up to 3.
    expect(bpy.maxTradeDurationDays).toBe(4);
    expect(bpy.avgTradeDurationDays).toBe(3);
    expect([bpy.maxConsecutiveWins, bpy.maxConsecutiveLosses]).toEqual([1, 1]);
    expect([bpy.longTrades, bpy.longWinRatePct, bpy.longPnl]).toEqual([1, 100, 4]);
    expect([bpy.shortTrades, bpy.shortWinRatePct, bpy.shortPnl]).toEqual([1, 0, -5.5]);
    // Notional 10·(11 + 11.5) + 5·(12 + 13) = 350 over mean equity 645 / 6.
    expect(bpy.turnover).toBeCloseTo(350 / (645 / 6), 12);
    expect(bpy.openTrades).toBe(0);
  });

  it('reports the daily extras', () => {
    // Gains .2 + 1/3 = 8/15 over losses 1/4 + 1/12 + 1/22 = 25/66.
    expect(bpy.omegaRatio).toBeCloseTo(8 / 15 / (25 / 66), 12);
    expect(bpy.bestDayPct).toBeCloseTo(100 / 3, 12);
    expect(bpy.worstDayPct).toBe(-25);
    // Closes held from the warm-up bar 1: day returns 0, 12/11-1, 11/12-1, 12/11-1, 13/12-1.
    const held = [0, 1 / 11, -1 / 12, 1 / 11, 1 / 12];
    const active = returns.map((r, k) => r - held[k]!);
    const mean = active.reduce((a, b) => a + b) / 5;
    const std = Math.sqrt(active.reduce((a, x) => a + (x - mean) ** 2, 0) / 4);
    expect(bpy.trackingErrorPct).toBeCloseTo(std * Math.sqrt(252) * 100, 10);
    expect(bpy.informationRatio).toBeCloseTo((mean / std) * Math.sqrt(252), 12);
    expectWellFormed(bpy);
    expectWellFormed(hs);
  });
});

describe('computeStats edge cases', () => {
  const days = (n: number) => Array.from({ length: n }, (_, i) => utc('2024-01-01') + i * DAY);

  it('no trades: trade statistics are null, counts are 0', () => {
    const s = stats({ time: days(5), equity: [100, 101, 99, 102, 103] });
    expect(s.trades).toBe(0);
    expect(s.exposureTimePct).toBe(0);
    expect(s.commissions).toBe(0);
    for (const key of [
      'winRatePct',
      'bestTradePct',
      'worstTradePct',
      'avgTradePct',
      'maxTradeDurationDays',
      'avgTradeDurationDays',
      'profitFactor',
      'expectancyPct',
      'sqn',
      'kellyCriterion',
      'maxConsecutiveWins',
      'maxConsecutiveLosses',
      'longWinRatePct',
      'shortWinRatePct',
    ] as const) {
      expect(s[key], key).toBeNull();
    }
    expect(s.turnover).toBe(0);
    expectWellFormed(s);
  });

  it('one trade: SQN needs two, Kelly needs a win and a loss', () => {
    const s = stats({
      time: days(4),
      equity: [100, 110, 105, 108],
      trades: [trade({ entryBar: 1, exitBar: 2, pnl: 5, returnPct: 5, exitTime: 2 * DAY })],
    });
    expect(s.trades).toBe(1);
    expect(s.winRatePct).toBe(100);
    expect(s.avgTradePct).toBeCloseTo(5, 12);
    expect(s.sqn).toBeNull();
    expect(s.kellyCriterion).toBeNull();
    expect(s.maxTradeDurationDays).toBe(2);
  });

  it('all winning trades: no loss, so profit factor and Kelly are undefined', () => {
    const wins = [1, 2, 3].map((k) => trade({ entryBar: k, exitBar: k + 1, pnl: k, returnPct: k }));
    const s = stats({ time: days(6), equity: [100, 101, 102, 104, 107, 107], trades: wins });
    expect(s.winRatePct).toBe(100);
    expect(s.profitFactor).toBeNull();
    expect(s.kellyCriterion).toBeNull();
    expect(s.maxConsecutiveWins).toBe(3);
    expect(s.maxConsecutiveLosses).toBe(0);
  });

  it.each(['backtesting.py', 'hindsight'] as const)(
    'flat equity (%s): zero risk, so every risk ratio is null and nothing is NaN',
    (profile) => {
      const s = stats({ time: days(10), equity: Array(10).fill(1000) }, profile);
      expect(s.returnPct).toBe(0);
      expect(s.returnAnnPct).toBe(0);
      expect(s.volatilityAnnPct).toBe(0);
      expect(s.cagrPct).toBe(0);
      for (const key of [
        'sharpeRatio',
        'sortinoRatio',
        'calmarRatio',
        'avgDrawdownPct',
        'maxDrawdownDurationDays',
        'avgDrawdownDurationDays',
        'omegaRatio',
        'probabilisticSharpeRatio',
        'informationRatio',
      ] as const) {
        expect(s[key], key).toBeNull();
      }
      expect(Object.is(s.maxDrawdownPct, 0)).toBe(true);
      expectWellFormed(s);
    },
  );

  it('one bar: nothing moves, nothing is annualised', () => {
    const s = stats({ time: [utc('2024-01-02')], equity: [500] });
    expect(s.durationDays).toBe(0);
    expect(s.returnPct).toBe(0);
    expect(s.buyHoldReturnPct).toBe(0);
    for (const key of [
      'returnAnnPct',
      'volatilityAnnPct',
      'cagrPct',
      'sharpeRatio',
      'beta',
      'alphaPct',
      'bestDayPct',
      'trackingErrorPct',
    ] as const) {
      expect(s[key], key).toBeNull();
    }
    expectWellFormed(s);
  });

  it('a new high on the last bar closes the drawdown there', () => {
    // dd = 0 .2 .1 0: one period, bars 0 -> 3 (3 days), depth .2.
    const s = stats({ time: days(4), equity: [100, 80, 90, 100.5] });
    expect(s.maxDrawdownPct).toBeCloseTo(-20, 12);
    expect(s.avgDrawdownPct).toBeCloseTo(-20, 12);
    expect(s.maxDrawdownDurationDays).toBe(3);
    expect(s.equityPeak).toBe(100.5);
  });

  it('an open drawdown at the end counts, to the last bar', () => {
    // dd = 0 0 .1 .3 .2: zeros at 0, 1, then the last bar 4: one period (1, 4), 3 days, depth .3.
    const s = stats({ time: days(5), equity: [90, 100, 90, 70, 80] });
    expect(s.maxDrawdownDurationDays).toBe(3);
    expect(s.avgDrawdownPct).toBeCloseTo(-30, 12);
  });

  it('a dip on the very last bar is no period; backtesting.py averages the dip itself', () => {
    // dd = 0 0 .03: the last bar is adjacent to the last zero, so there is no period.
    const s = stats({ time: days(3), equity: [100, 100, 97] });
    expect(s.maxDrawdownDurationDays).toBeNull();
    expect(s.avgDrawdownPct).toBeCloseTo(-3, 12);
  });

  it('counts open trades and their entry notional, not their exposure', () => {
    const open = trade({ entryBar: 1, exitBar: 3, size: 2, entryPrice: 50, exitPrice: 55 });
    const s = stats({ time: days(4), equity: [100, 100, 105, 110], openTrades: [open] });
    expect(s.openTrades).toBe(1);
    expect(s.exposureTimePct).toBe(0);
    expect(s.turnover).toBeCloseTo(100 / (415 / 4), 12);
  });
});

describe('computeStats against backtesting.py published values', () => {
  /*
   * backtesting.py's test_compute_stats (GOOG, SmaCross(10, 30), 0.6.x) publishes:
   * Start 2004-08-19, End 2013-03-01, Duration 3116 days, Equity Final 51422.98999999996,
   * Equity Peak 75787.44, Return 414.2298999999996 %, Buy & Hold 522.0601851851852 % (from the
   * warm-up bar 29), Return (Ann.) 21.180255813792282 %, CAGR 14.159843619607383 %,
   * Max. Drawdown -47.98012705007589 %, Calmar 0.4414380935608377.
   * Those figures depend only on the timestamps, the closes and E[0], E[N-1], max(E) and max(dd),
   * so an equity path with the same endpoints, peak and deepest drawdown must reproduce them.
   */
  it('reproduces GOOG figures that depend only on the timeline and the curve endpoints', () => {
    const goog = loadCloses('GOOG');
    const n = goog.time.length;
    const peak = 75787.44;
    const trough = peak * (1 - 0.4798012705007589);
    const curve = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (i <= 1000) curve[i] = 10_000 + ((peak - 10_000) * i) / 1000;
      else if (i <= 1500) curve[i] = peak + ((trough - peak) * (i - 1000)) / 500;
      else curve[i] = trough + ((51422.98999999996 - trough) * (i - 1500)) / (n - 1 - 1500);
    }
    curve[n - 1] = 51422.98999999996;
    const s = computeStats({
      time: goog.time,
      equity: curve,
      close: goog.close,
      trades: [],
      openTrades: [],
      warmup: 29,
      conventions: 'backtesting.py',
    });
    const close = (actual: number | null, published: number) =>
      expect(Math.abs((actual ?? Number.NaN) / published - 1)).toBeLessThan(1e-9);
    expect(s.start).toBe('2004-08-19T00:00:00.000Z');
    expect(s.end).toBe('2013-03-01T00:00:00.000Z');
    expect(s.durationDays).toBe(3116);
    close(s.equityPeak, 75787.44);
    close(s.returnPct, 414.2298999999996);
    close(s.buyHoldReturnPct, 522.0601851851852);
    close(s.returnAnnPct, 21.191099249053224);
    close(s.cagrPct, 21.160245705962623);
    close(s.maxDrawdownPct, -47.98012705007589);
    close(s.calmarRatio, 0.44166409202994605);
  });
});

describe('computeStats never returns NaN or Infinity, nor anything but StatsSchema', () => {
  it('holds for random curves, closes and trades in both profiles', () => {
    const bar = fc.record({
      gap: fc.integer({ min: 1, max: 3 * DAY }),
      equity: fc.double({ min: 1, max: 1e6, noNaN: true }),
      close: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(bar, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.double({ min: -2, max: 2, noNaN: true })), {
          maxLength: 8,
        }),
        fc.constantFrom<Conventions>('backtesting.py', 'hindsight'),
        (bars, rawTrades, conventions) => {
          const n = bars.length;
          let t = utc('2020-01-01');
          const time = bars.map((b) => (t += b.gap));
          const trades = rawTrades.map(([a, b, r]) =>
            trade({
              entryBar: Math.min(a, b) % n,
              exitBar: Math.max(Math.min(a, b) % n, Math.max(a, b) % n),
              pnl: r * 100,
              returnPct: r * 100,
              size: r > 0 ? 1 : -1,
            }),
          );
          const s = computeStats({
            time: Float64Array.from(time),
            equity: Float64Array.from(bars, (b) => b.equity),
            close: Float64Array.from(bars, (b) => b.close),
            trades,
            openTrades: [],
            warmup: 0,
            conventions,
          });
          expectWellFormed(s);
        },
      ),
      { seed: 1234, numRuns: 300 },
    );
  });
});

describe('computeStats rejects bad input with a message naming it', () => {
  const base = { time: [1, 2, 3].map((i) => i * DAY), equity: [100, 101, 102] };
  it.each([
    ['empty bars', { time: [], equity: [] }, /at least one bar/],
    ['length mismatch', { time: base.time, equity: [1, 2] }, /equal lengths/],
    ['unsorted time', { ...base, time: [1, 3, 2].map((i) => i * DAY) }, /time\[2\].*is not after/],
    ['NaN equity', { ...base, equity: [100, Number.NaN, 102] }, /equity\[1\] = NaN/],
    ['non-positive start', { ...base, equity: [0, 1, 2] }, /equity\[0\] = 0 must be positive/],
    ['zero close', { ...base, close: Float64Array.from([1, 0, 1]) }, /close\[1\] = 0/],
    ['warmup out of range', { ...base, warmup: 3 }, /warmup 3/],
    [
      'trade past the end',
      { ...base, trades: [trade({ entryBar: 1, exitBar: 3 })] },
      /trades\[0\]: bars 1\.\.3/,
    ],
    [
      'NaN trade return',
      { ...base, trades: [trade({ entryBar: 0, exitBar: 1, returnPct: Number.NaN })] },
      /trades\[0\]\.returnPct = NaN/,
    ],
    ...(['size', 'entryPrice', 'exitPrice', 'pnl', 'commission'] as const).map(
      (field) =>
        [
          `infinite trade ${field}`,
          {
            ...base,
            trades: [
              trade({ entryBar: 0, exitBar: 1 }),
              trade({ entryBar: 1, exitBar: 2, [field]: Number.POSITIVE_INFINITY }),
            ],
          },
          new RegExp(`trades\\[1\\]\\.${field} = Infinity is not finite`),
        ] as const,
    ),
    [
      'open trade with a fractional bar',
      { ...base, openTrades: [trade({ entryBar: 0.5, exitBar: 2 })] },
      /openTrades\[0\]: entryBar and exitBar must be integers/,
    ],
    [
      'trade exiting before it enters in time',
      { ...base, trades: [trade({ entryBar: 0, exitBar: 1, entryTime: 5, exitTime: 4 })] },
      /trades\[0\]: exitTime must be finite and not before entryTime/,
    ],
  ] as const)('%s', (_, input, message) => {
    expect(() => stats(input as Parameters<typeof stats>[0])).toThrow(message);
    expect(() => stats(input as Parameters<typeof stats>[0])).toThrow(MetricsInputError);
  });

  it('rejects an unknown profile', () => {
    expect(() => stats(base, 'zipline' as Conventions)).toThrow(/unknown conventions profile/);
  });
});
