import { describe, expect, it } from 'vitest';
import { type Bars, createBars } from '../bars.js';
import { emptySignals, type Signals } from '../signals.js';
import { simulate } from './simulate.js';
import {
  SimulationAbortedError,
  type SimulationConfig,
  type SimulationOptions,
  type SimulationResult,
  type SymbolInput,
  simulationConfig,
} from './types.js';

// Every expected value below is computed by hand in the comment or expression next to it.

type Row = readonly [open: number, high: number, low: number, close: number];
type Flags = Partial<Record<'enterLong' | 'exitLong' | 'enterShort' | 'exitShort', number[]>>;

const DAY = 86_400_000;
const T0 = Date.UTC(2021, 0, 4);

function bars(rows: readonly Row[]): Bars {
  return createBars({
    time: rows.map((_, i) => T0 + i * DAY),
    open: rows.map((row) => row[0]),
    high: rows.map((row) => row[1]),
    low: rows.map((row) => row[2]),
    close: rows.map((row) => row[3]),
    volume: rows.map(() => 1),
  });
}

function signals(length: number, flags: Flags, warmup = 0): Signals {
  const out = emptySignals(length, warmup);
  for (const [column, bars] of Object.entries(flags) as [keyof Flags, number[]][]) {
    for (const i of bars) out[column][i] = 1;
  }
  return out;
}

const BASE: SimulationConfig = simulationConfig({ cash: 1000, commission: 0 });

const BACKTESTING_PY: Partial<SimulationConfig> = { conventions: 'backtesting.py' };

function input(symbol: string, rows: readonly Row[], flags: Flags, weight = 1): SymbolInput {
  return { symbol, bars: bars(rows), signals: signals(rows.length, flags), weight };
}

function run(
  rows: readonly Row[],
  flags: Flags,
  config: Partial<SimulationConfig> = {},
  options?: SimulationOptions,
): SimulationResult {
  return simulate([input('X', rows, flags)], { ...BASE, ...config }, options);
}

/** Prices rise from 10 to 14; a long entered at bar 2's open (12) gains 2 by bar 4's open. */
const RISING: Row[] = [
  [10, 10, 10, 10],
  [10, 12, 10, 11],
  [12, 13, 11, 12.5],
  [13, 14, 12, 13],
  [14, 14, 13, 13.5],
];

/** Prices fall from 12 to 10: a short entered at bar 2's open (12) gains 2 by bar 4's open. */
const FALLING: Row[] = [
  [12, 12, 12, 12],
  [12, 12.5, 11.5, 12],
  [12, 12.2, 11, 11.5],
  [11, 11.2, 10, 10.5],
  [10, 10.5, 9.5, 10],
];

const LONG_1_TO_3: Flags = { enterLong: [1], exitLong: [3] };

describe('fills', () => {
  it('next_open fills a decision of bar i at the open of bar i+1', () => {
    const result = run(RISING, LONG_1_TO_3);
    // floor(1000 / 12) = 83 units at 12; exit at bar 4's open 14: 83 * 2 = 166.
    expect(result.trades).toEqual([
      {
        symbol: 'X',
        size: 83,
        entryBar: 2,
        exitBar: 4,
        entryTime: T0 + 2 * DAY,
        exitTime: T0 + 4 * DAY,
        entryPrice: 12,
        exitPrice: 14,
        pnl: 166,
        commission: 0,
        returnPct: (14 / 12 - 1) * 100,
        exitReason: 'signal',
      },
    ]);
    // Equity = cash + 83 * (close - 12) while open: 1000 + 41.5 at 12.5, 1000 + 83 at 13.
    expect(Array.from(result.equity)).toEqual([1000, 1000, 1041.5, 1083, 1166]);
    expect(Array.from(result.cash!)).toEqual([1000, 1000, 1000, 1000, 1166]);
    expect(result.openTrades).toEqual([]);
    expect(result.warmup).toBe(0);
  });

  it('close fills a decision of bar i at the close of bar i, before recording equity', () => {
    const result = run(RISING, LONG_1_TO_3, { fill: 'close' });
    // floor(1000 / 11) = 90 units at close 11; exit at bar 3's close 13: 90 * 2 = 180.
    expect(result.trades).toMatchObject([
      { size: 90, entryBar: 1, exitBar: 3, entryPrice: 11, exitPrice: 13, pnl: 180 },
    ]);
    expect(Array.from(result.equity)).toEqual([1000, 1000, 1000 + 90 * 1.5, 1180, 1180]);
  });

  it('charges the commission on both sides from cash and sizes with it', () => {
    const result = run(RISING, LONG_1_TO_3, { commission: 0.01 });
    const trade = result.trades[0]!;
    // floor(1000 / (12 * 1.01)) = floor(82.5) = 82 units; fees 82*12*0.01 = 9.84, 82*14*0.01 = 11.48.
    expect(trade.size).toBe(82);
    expect(trade.commission).toBeCloseTo(9.84 + 11.48, 10);
    expect(trade.pnl).toBeCloseTo(82 * 2 - 21.32, 10);
    expect(trade.returnPct).toBeCloseTo((14 / 12 - 1 - 21.32 / (82 * 12)) * 100, 12);
    expect(result.cash![2]).toBeCloseTo(1000 - 9.84, 10);
    expect(result.equity[2]).toBeCloseTo(990.16 + 82 * 0.5, 10);
    expect(result.cash![4]).toBeCloseTo(990.16 + 164 - 11.48, 10);
  });

  it('charges commissionFixed per filled order and takes it out of the budget first', () => {
    const result = run(RISING, LONG_1_TO_3, { commissionFixed: 5 });
    // floor((1000 - 5) / 12) = 82 units; cash 995 after entry, 995 + 164 - 5 after exit.
    expect(result.trades).toMatchObject([{ size: 82, commission: 10, pnl: 154 }]);
    expect(result.trades[0]!.returnPct).toBeCloseTo((14 / 12 - 1 - 10 / (82 * 12)) * 100, 12);
    expect(Array.from(result.cash!)).toEqual([1000, 1000, 995, 995, 1154]);
  });

  it('moves every fill against the trader by slippageBps', () => {
    const result = run(RISING, LONG_1_TO_3, { slippageBps: 100 });
    const trade = result.trades[0]!;
    // Buy at 12 * 1.01 = 12.12: floor(1000 / 12.12) = 82 units; sell at 14 * 0.99 = 13.86.
    expect(trade.size).toBe(82);
    expect(trade.entryPrice).toBeCloseTo(12.12, 12);
    expect(trade.exitPrice).toBeCloseTo(13.86, 12);
    expect(trade.pnl).toBeCloseTo(82 * (13.86 - 12.12), 10);
    expect(result.equity[2]).toBeCloseTo(1000 + 82 * (12.5 - 12.12), 10);
  });

  it('buys whole units by default and fractional ones when asked', () => {
    const whole = run(RISING, LONG_1_TO_3);
    const fractional = run(RISING, LONG_1_TO_3, {
      sizing: { mode: 'fraction', fraction: 1, wholeUnits: false },
    });
    expect(whole.trades[0]!.size).toBe(83);
    expect(fractional.trades[0]!.size).toBeCloseTo(1000 / 12, 12);
    expect(fractional.cash![4]).toBeCloseTo(1000 + (1000 / 12) * 2, 10);
  });

  it('uses only `fraction` of equity per entry', () => {
    const result = run(RISING, LONG_1_TO_3, {
      sizing: { mode: 'fraction', fraction: 0.5, wholeUnits: true },
    });
    // floor(0.5 * 1000 / 12) = 41 units.
    expect(result.trades[0]!.size).toBe(41);
  });

  it('buys a fixed quantity, dropping the order when cash cannot pay for it', () => {
    const affordable = run(RISING, LONG_1_TO_3, { sizing: { mode: 'quantity', quantity: 50 } });
    // 100 units at 12 cost 1200 > 1000 of cash: dropped.
    const tooMany = run(RISING, LONG_1_TO_3, { sizing: { mode: 'quantity', quantity: 100 } });
    expect(affordable.trades).toMatchObject([{ size: 50, pnl: 100 }]);
    expect(tooMany.trades).toEqual([]);
    expect(Array.from(tooMany.equity)).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('opens and closes a short with a negative size', () => {
    const result = run(FALLING, { enterShort: [1], exitShort: [3] });
    // floor(1000 / 12) = 83 units short at 12, bought back at 10: -83 * (10 - 12) = 166.
    expect(result.trades).toMatchObject([
      { size: -83, entryPrice: 12, exitPrice: 10, pnl: 166, returnPct: -(10 / 12 - 1) * 100 },
    ]);
    expect(result.equity[2]).toBe(1000 - 83 * (11.5 - 12));
  });

  it('reverses a long into a short at one open, sizing the short with the freed cash', () => {
    const result = run(RISING, { enterLong: [1], exitLong: [3], enterShort: [3] });
    // Long 83 closes at 14 (cash 1166); short floor(1166 / 14) = 83 at 14, marked at 13.5.
    expect(result.trades).toMatchObject([{ size: 83, exitBar: 4, pnl: 166 }]);
    expect(result.openTrades).toEqual([
      {
        symbol: 'X',
        size: -83,
        entryBar: 4,
        exitBar: 4,
        entryTime: T0 + 4 * DAY,
        exitTime: T0 + 4 * DAY,
        entryPrice: 14,
        exitPrice: 13.5,
        pnl: 41.5,
        commission: 0,
        returnPct: -(13.5 / 14 - 1) * 100,
        exitReason: 'end_of_data',
      },
    ]);
    expect(result.equity[4]).toBe(1166 + 41.5);
  });

  it('ignores an enterShort while long unless exitLong comes with it', () => {
    const result = run(RISING, { enterLong: [1], enterShort: [3] });
    expect(result.trades).toEqual([]);
    expect(result.openTrades).toMatchObject([{ size: 83, entryBar: 2 }]);
  });

  it('starts deciding on bar warmup + 1 and keeps the starting cash before', () => {
    const result = simulate(
      [
        {
          symbol: 'X',
          bars: bars(RISING),
          signals: signals(5, { enterLong: [2, 3] }, 2),
          weight: 1,
        },
      ],
      BASE,
    );
    // Bar 2 is the warm-up bar, so its flag is never read; bar 3's decision fills at bar 4's
    // open: floor(1000 / 14) = 71 units.
    expect(result.warmup).toBe(2);
    expect(result.openTrades).toMatchObject([{ entryBar: 4, entryPrice: 14, size: 71 }]);
    expect(Array.from(result.equity)).toEqual([1000, 1000, 1000, 1000, 1000 + 71 * (13.5 - 14)]);
  });
});

describe('stop-loss and take-profit (hindsight profile)', () => {
  const withBar3 = (bar3: Row, bar2: Row = RISING[2]!): Row[] => [
    RISING[0]!,
    RISING[1]!,
    bar2,
    bar3,
    [11, 11.5, 10.8, 11.2],
  ];

  it('stops a long out at entry * (1 - stopLossPct%)', () => {
    const result = run(withBar3([11.5, 11.8, 10.5, 11]), { enterLong: [1] }, { stopLossPct: 10 });
    // Entry 12, stop 10.8; bar 3 opens at 11.5 above it and trades down to 10.5.
    expect(result.trades).toMatchObject([
      { size: 83, entryBar: 2, exitBar: 3, exitReason: 'stop_loss' },
    ]);
    expect(result.trades[0]!.exitPrice).toBeCloseTo(10.8, 12);
    expect(result.trades[0]!.pnl).toBeCloseTo(83 * (10.8 - 12), 10);
    expect(result.equity[3]).toBeCloseTo(1000 - 99.6, 10);
  });

  it('fills a stop at the open when the bar gaps through it', () => {
    const result = run(withBar3([10, 10.5, 9.8, 10.2]), { enterLong: [1] }, { stopLossPct: 10 });
    expect(result.trades).toMatchObject([{ exitPrice: 10, pnl: -166, exitReason: 'stop_loss' }]);
  });

  it('checks the stop on the entry bar itself', () => {
    const bar2: Row = [12, 12.2, 10.5, 11];
    const result = run(
      withBar3([11, 11.5, 10.9, 11], bar2),
      { enterLong: [1] },
      { stopLossPct: 10 },
    );
    expect(result.trades).toMatchObject([{ entryBar: 2, exitBar: 2, exitReason: 'stop_loss' }]);
    expect(result.equity[2]).toBeCloseTo(1000 + 83 * (10.8 - 12), 10);
    expect(result.equity[2]).toBe(result.cash![2]);
  });

  it('takes profit at entry * (1 + takeProfitPct%), or at the open on a gap', () => {
    const touch = run(withBar3([12.5, 13.5, 12.4, 13]), { enterLong: [1] }, { takeProfitPct: 10 });
    const gap = run(withBar3([14, 14.5, 13.8, 14.2]), { enterLong: [1] }, { takeProfitPct: 10 });
    // Target 12 * 1.1 = 13.2.
    expect(touch.trades).toMatchObject([{ exitBar: 3, exitReason: 'take_profit' }]);
    expect(touch.trades[0]!.exitPrice).toBeCloseTo(13.2, 12);
    expect(gap.trades).toMatchObject([{ exitPrice: 14, exitReason: 'take_profit' }]);
  });

  it('assumes the stop came first when one bar touches both levels', () => {
    const stops = { stopLossPct: 10, takeProfitPct: 10 };
    const result = run(withBar3([12, 13.5, 10.5, 12]), { enterLong: [1] }, stops);
    expect(result.trades).toMatchObject([{ exitReason: 'stop_loss' }]);
    expect(result.trades[0]!.exitPrice).toBeCloseTo(10.8, 12);
  });

  it('takes the profit at the open when the bar opens beyond the target, whatever its low', () => {
    const stops = { stopLossPct: 10, takeProfitPct: 10 };
    const result = run(withBar3([13.5, 13.6, 10.5, 11]), { enterLong: [1] }, stops);
    expect(result.trades).toMatchObject([{ exitPrice: 13.5, exitReason: 'take_profit' }]);
  });

  it('mirrors both levels for a short', () => {
    const rows = (bar3: Row): Row[] => [
      FALLING[0]!,
      FALLING[1]!,
      [12, 12.2, 11.5, 12],
      bar3,
      [12, 12.5, 11.5, 12],
    ];
    const stops = { stopLossPct: 10, takeProfitPct: 10 };
    // Short at 12: stop 13.2 above, target 10.8 below.
    const stopped = run(rows([12.5, 13.5, 12.4, 13]), { enterShort: [1] }, stops);
    const target = run(rows([11.5, 11.8, 10.5, 11]), { enterShort: [1] }, stops);
    expect(stopped.trades).toMatchObject([{ size: -83, exitReason: 'stop_loss' }]);
    expect(stopped.trades[0]!.pnl).toBeCloseTo(-83 * 1.2, 10);
    expect(target.trades).toMatchObject([{ size: -83, exitReason: 'take_profit' }]);
    expect(target.trades[0]!.pnl).toBeCloseTo(83 * 1.2, 10);
  });

  it('does not check a trade filled at the close against that same bar', () => {
    const rows: Row[] = [...RISING.slice(0, 2), [12, 12.2, 9, 12], [12.5, 13, 12.4, 12.8]];
    const result = run(rows, { enterLong: [2] }, { fill: 'close', stopLossPct: 10 });
    // Entered at bar 2's close (12) after its low of 9; bar 3's low 12.4 is above the stop 10.8.
    expect(result.trades).toEqual([]);
    expect(result.openTrades).toMatchObject([{ entryBar: 2, entryPrice: 12 }]);
  });
});

describe('end of data', () => {
  const LONG_OPEN: Flags = { enterLong: [1] };

  it('hindsight, finalizeTrades false: the trade stays open, marked at the last close', () => {
    const result = run(RISING, LONG_OPEN, { commission: 0.01 });
    // 82 units (see the commission case); only the entry fee 9.84 is charged.
    expect(result.trades).toEqual([]);
    expect(result.openTrades).toMatchObject([
      { size: 82, exitBar: 4, exitPrice: 13.5, exitReason: 'end_of_data' },
    ]);
    expect(result.openTrades[0]!.commission).toBeCloseTo(9.84, 12);
    expect(result.openTrades[0]!.pnl).toBeCloseTo(82 * 1.5 - 9.84, 10);
    expect(result.equity[4]).toBeCloseTo(990.16 + 82 * 1.5, 10);
  });

  it('hindsight, finalizeTrades true: closes at the last close', () => {
    const result = run(RISING, LONG_OPEN, { finalizeTrades: true });
    expect(result.trades).toMatchObject([
      { exitBar: 4, exitPrice: 13.5, pnl: 83 * 1.5, exitReason: 'end_of_data' },
    ]);
    expect(result.openTrades).toEqual([]);
    expect(result.equity[4]).toBe(1124.5);
    expect(result.cash![4]).toBe(1124.5);
  });

  it('backtesting.py, finalizeTrades false: the trade stays open', () => {
    const result = run(RISING, LONG_OPEN, BACKTESTING_PY);
    expect(result.trades).toEqual([]);
    expect(result.openTrades).toMatchObject([{ size: 83, exitPrice: 13.5, pnl: 124.5 }]);
    expect(result.equity[4]).toBe(1124.5);
  });

  it("backtesting.py, finalizeTrades true: closes at the last bar's open", () => {
    const result = run(RISING, LONG_OPEN, { ...BACKTESTING_PY, finalizeTrades: true });
    expect(result.trades).toMatchObject([
      { exitBar: 4, exitPrice: 14, pnl: 166, exitReason: 'end_of_data' },
    ]);
    expect(result.equity[4]).toBe(1166);
    expect(result.cash![4]).toBe(1166);
  });

  it('never fills an order decided on the last bar (hindsight, either way)', () => {
    for (const finalizeTrades of [false, true]) {
      const result = run(RISING, { enterLong: [4] }, { finalizeTrades });
      expect(result.trades).toEqual([]);
      expect(result.openTrades).toEqual([]);
      expect(Array.from(result.equity)).toEqual([1000, 1000, 1000, 1000, 1000]);
    }
  });

  it('backtesting.py finalize: an exit decided on the last bar closes at its open', () => {
    const result = run(
      RISING,
      { enterLong: [1], exitLong: [4] },
      { ...BACKTESTING_PY, finalizeTrades: true },
    );
    expect(result.trades).toMatchObject([
      { exitBar: 4, exitPrice: 14, pnl: 166, exitReason: 'signal' },
    ]);
  });

  it('backtesting.py finalize: an entry decided on the last bar fills at its open and stays open', () => {
    const result = run(RISING, { enterLong: [4] }, { ...BACKTESTING_PY, finalizeTrades: true });
    // floor(1000 * (1 - 2^-52) / 14) = 71 units at 14, marked at the close 13.5.
    expect(result.trades).toEqual([]);
    expect(result.openTrades).toMatchObject([{ size: 71, entryBar: 4, entryPrice: 14 }]);
    expect(result.equity[4]).toBe(1000 + 71 * (13.5 - 14));
    expect(result.cash![4]).toBe(1000);
  });

  it('backtesting.py finalize: a reversal decided on the last bar leaves the new short open', () => {
    const flags = { enterLong: [1], exitLong: [4], enterShort: [4] };
    const result = run(RISING, flags, { ...BACKTESTING_PY, finalizeTrades: true });
    // Long closes at 14 (cash 1166); short floor(1166 * (1 - 2^-52) / 14) = 83 at 14.
    expect(result.trades).toMatchObject([{ size: 83, exitPrice: 14, exitReason: 'signal' }]);
    expect(result.openTrades).toMatchObject([{ size: -83, entryBar: 4, entryPrice: 14 }]);
    expect(result.equity[4]).toBe(1166 - 83 * (13.5 - 14));
  });

  it('backtesting.py without finalize: an entry decided on the last bar never fills', () => {
    const result = run(RISING, { enterLong: [4] }, BACKTESTING_PY);
    expect(result.openTrades).toEqual([]);
    expect(result.equity[4]).toBe(1000);
  });

  it('liquidates everything at the close once equity reaches zero, then stays at zero', () => {
    const rows: Row[] = [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [15, 25, 15, 25],
      [25, 26, 24, 25],
    ];
    const result = run(rows, { enterShort: [1] });
    // 100 units short at 10; at 25 equity = 1000 - 100 * 15 = -500 <= 0.
    expect(result.trades).toMatchObject([
      { size: -100, exitBar: 3, exitPrice: 25, pnl: -1500, exitReason: 'out_of_money' },
    ]);
    expect(Array.from(result.equity)).toEqual([1000, 1000, 1000, 0, 0]);
    expect(Array.from(result.cash!)).toEqual([1000, 1000, 1000, 0, 0]);
  });
});

describe('zero-unit orders', () => {
  it('drops an entry that buys less than one whole unit', () => {
    for (const conventions of ['hindsight', 'backtesting.py'] as const) {
      const result = run(RISING, LONG_1_TO_3, { cash: 10, conventions });
      expect(result.trades).toEqual([]);
      expect(result.openTrades).toEqual([]);
      expect(Array.from(result.equity)).toEqual([10, 10, 10, 10, 10]);
    }
  });

  it('drops an entry whose budget does not cover the fixed fee', () => {
    const result = run(RISING, LONG_1_TO_3, { commissionFixed: 1000 });
    expect(result.trades).toEqual([]);
    expect(result.cash![4]).toBe(1000);
  });
});

describe('a portfolio of two symbols', () => {
  const flat = (price: number, length: number): Row[] =>
    Array.from({ length }, () => [price, price, price, price] as const);

  it('splits one equity by weight and shares the cash', () => {
    const a: Row[] = [...flat(10, 2), [10, 11, 10, 11], [12, 12, 12, 12], [14, 14, 14, 14]];
    const b: Row[] = [...flat(20, 2), [20, 21, 20, 21], [22, 22, 22, 22], [24, 24, 24, 24]];
    const result = simulate(
      [
        input('A', a, { enterLong: [1], exitLong: [3] }, 0.75),
        input('B', b, { enterLong: [1] }, 0.25),
      ],
      BASE,
    );
    // Equity 1000 at bar 2's open: A gets 750 -> 75 units at 10; B 250 -> floor(250/20) = 12.
    expect(result.trades).toMatchObject([{ symbol: 'A', size: 75, exitPrice: 14, pnl: 300 }]);
    expect(result.openTrades).toMatchObject([{ symbol: 'B', size: 12, entryPrice: 20 }]);
    expect(Array.from(result.equity)).toEqual([
      1000,
      1000,
      1000 + 75 * 1 + 12 * 1,
      1000 + 75 * 2 + 12 * 2,
      1300 + 12 * 4,
    ]);
    expect(Array.from(result.cash!)).toEqual([1000, 1000, 1000, 1000, 1300]);
  });

  it('never spends more than the funds left free by open trades (no leverage)', () => {
    const a: Row[] = [...flat(10, 3), ...flat(30, 2)];
    const b: Row[] = flat(25, 5);
    const result = simulate(
      [input('A', a, { enterLong: [1] }, 0.5), input('B', b, { enterLong: [3] }, 0.5)],
      BASE,
    );
    // A: 50 units at 10. At bar 4's open A is worth 1500 of equity 2000: B's half (1000) is
    // capped at the 500 still free -> floor(500 / 25) = 20 units.
    expect(result.openTrades).toMatchObject([
      { symbol: 'A', size: 50 },
      { symbol: 'B', size: 20, entryBar: 4 },
    ]);
  });
});

describe('progress and cancellation', () => {
  const flatInput = (length: number): SymbolInput => ({
    symbol: 'X',
    bars: bars(Array.from({ length }, () => [10, 10, 10, 10] as const)),
    signals: signals(length, {}),
    weight: 1,
  });

  it('reports every progressEveryBars bars and once at the end', () => {
    const calls: unknown[] = [];
    simulate([flatInput(25)], BASE, {
      progressEveryBars: 10,
      onProgress: (progress) => calls.push(progress),
    });
    expect(calls).toEqual([
      { barsProcessed: 10, totalBars: 25, equity: 1000 },
      { barsProcessed: 20, totalBars: 25, equity: 1000 },
      { barsProcessed: 25, totalBars: 25, equity: 1000 },
    ]);
  });

  function abortedAt(options: SimulationOptions): SimulationAbortedError {
    try {
      simulate([flatInput(20_000)], BASE, options);
    } catch (error) {
      if (error instanceof SimulationAbortedError) return error;
      throw error;
    }
    throw new Error('expected the run to be aborted');
  }

  it('throws SimulationAbortedError before the first bar when already aborted', () => {
    const error = abortedAt({ signal: AbortSignal.abort() });
    expect(error.name).toBe('SimulationAbortedError');
    expect(error.barsProcessed).toBe(0);
  });

  it('stops at the next poll (every 4,096 bars) after an abort', () => {
    const controller = new AbortController();
    const error = abortedAt({
      signal: controller.signal,
      progressEveryBars: 1000,
      onProgress: () => controller.abort(),
    });
    // Aborted after bar 1000; the next poll is at bar 4096.
    expect(error.barsProcessed).toBe(4096);
  });
});

describe('determinism', () => {
  it('gives identical outputs for identical inputs', () => {
    const once = run(
      RISING,
      { enterLong: [1], exitLong: [3], enterShort: [3] },
      { commission: 0.002 },
    );
    const twice = run(
      RISING,
      { enterLong: [1], exitLong: [3], enterShort: [3] },
      { commission: 0.002 },
    );
    expect(twice).toEqual(once);
  });
});
