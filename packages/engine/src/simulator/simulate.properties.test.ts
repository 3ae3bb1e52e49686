import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bars, createBars, sliceBars } from '../bars.js';
import type { Signals } from '../signals.js';
import { BarLoop } from './bar-loop.js';
import type { CheckpointSeries } from './checkpoint.js';
import { decodeCheckpointState, encodeCheckpointState, encodeTrades } from './checkpoint.js';
import { SimulationConfigError } from './config.js';
import { validateSimulationInputs } from './inputs.js';
import { simulate } from './simulate.js';
import type {
  SimulationCheckpoint,
  SimulationConfig,
  SimulationResult,
  SymbolInput,
  Trade,
} from './types.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2020, 0, 1);

interface SymbolCase {
  rows: [open: number, close: number, up: number, down: number][];
  flags: number[][];
  warmup: number;
  weight: number;
}

const price = fc.double({ min: 1, max: 200, noNaN: true });
const spread = fc.double({ min: 0, max: 0.05, noNaN: true });
/** A flag set on about one bar in four. */
const flag = fc.integer({ min: 0, max: 3 }).map((value) => (value === 0 ? 1 : 0));

const symbolCase = (length: number): fc.Arbitrary<SymbolCase> =>
  fc.record({
    rows: fc.array(fc.tuple(price, price, spread, spread), {
      minLength: length,
      maxLength: length,
    }),
    flags: fc.array(fc.array(flag, { minLength: length, maxLength: length }), {
      minLength: 4,
      maxLength: 4,
    }),
    warmup: fc.integer({ min: 0, max: length - 1 }),
    weight: fc.double({ min: 0.1, max: 1, noNaN: true }),
  });

const maybeZero = (max: number) =>
  fc.oneof(fc.constant(0), fc.double({ min: 0, max, noNaN: true }));

const hindsightConfig: fc.Arbitrary<SimulationConfig> = fc.record({
  cash: fc.double({ min: 100, max: 1e6, noNaN: true }),
  commission: maybeZero(0.02),
  commissionFixed: maybeZero(5),
  slippageBps: maybeZero(50),
  sizing: fc.oneof(
    fc.record({
      mode: fc.constant('fraction' as const),
      fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
      wholeUnits: fc.boolean(),
    }),
    fc.record({
      mode: fc.constant('quantity' as const),
      quantity: fc.double({ min: 0.1, max: 100, noNaN: true }),
    }),
  ),
  fill: fc.constantFrom('next_open' as const, 'close' as const),
  finalizeTrades: fc.boolean(),
  stopLossPct: fc.option(fc.double({ min: 0.5, max: 50, noNaN: true }), { nil: null }),
  takeProfitPct: fc.option(fc.double({ min: 0.5, max: 200, noNaN: true }), { nil: null }),
  conventions: fc.constant('hindsight' as const),
});

const backtestingPyConfig: fc.Arbitrary<SimulationConfig> = fc.record({
  cash: fc.double({ min: 100, max: 1e6, noNaN: true }),
  commission: maybeZero(0.02),
  commissionFixed: fc.constant(0),
  slippageBps: fc.constant(0),
  sizing: fc.record({
    mode: fc.constant('fraction' as const),
    fraction: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    wholeUnits: fc.constant(true),
  }),
  fill: fc.constant('next_open' as const),
  finalizeTrades: fc.boolean(),
  stopLossPct: fc.constant(null),
  takeProfitPct: fc.constant(null),
  conventions: fc.constant('backtesting.py' as const),
});

interface Scenario {
  inputs: SymbolInput[];
  config: SimulationConfig;
}

function toBars(rows: SymbolCase['rows']): Bars {
  return createBars({
    time: rows.map((_, i) => T0 + i * DAY),
    open: rows.map(([open]) => open),
    high: rows.map(([open, close, up]) => Math.max(open, close) * (1 + up)),
    low: rows.map(([open, close, , down]) => Math.min(open, close) * (1 - down)),
    close: rows.map(([, close]) => close),
    volume: rows.map(() => 1),
  });
}

function toInputs(cases: SymbolCase[]): SymbolInput[] {
  const total = cases.reduce((sum, symbol) => sum + symbol.weight, 0);
  return cases.map((symbol, s) => ({
    symbol: `S${s}`,
    bars: toBars(symbol.rows),
    signals: {
      warmup: symbol.warmup,
      enterLong: Uint8Array.from(symbol.flags[0]!),
      exitLong: Uint8Array.from(symbol.flags[1]!),
      enterShort: Uint8Array.from(symbol.flags[2]!),
      exitShort: Uint8Array.from(symbol.flags[3]!),
    },
    weight: symbol.weight / total,
  }));
}

/** Any valid run: a hindsight portfolio of 1-3 symbols, or one backtesting.py symbol. */
const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 40 }).chain((length) =>
  fc.oneof(
    fc.record({
      inputs: fc.array(symbolCase(length), { minLength: 1, maxLength: 3 }).map(toInputs),
      config: hindsightConfig,
    }),
    fc.record({
      inputs: symbolCase(length).map((one) => toInputs([one])),
      config: backtestingPyConfig,
    }),
  ),
);

/** The trade of `symbol` open at the close of bar i, if any. */
function openAt(result: SimulationResult, symbol: string, i: number): Trade | undefined {
  const closed = result.trades.find(
    (trade) => trade.symbol === symbol && trade.entryBar <= i && i < trade.exitBar,
  );
  return (
    closed ?? result.openTrades.find((trade) => trade.symbol === symbol && trade.entryBar <= i)
  );
}

function sliceSignals(signals: Signals, end: number): Signals {
  return {
    warmup: signals.warmup,
    enterLong: signals.enterLong.subarray(0, end),
    exitLong: signals.exitLong.subarray(0, end),
    enterShort: signals.enterShort.subarray(0, end),
    exitShort: signals.exitShort.subarray(0, end),
  };
}

describe('simulate properties', () => {
  it('equity = cash + sum(size * (close - entryPrice)) over open trades, on every bar', () => {
    fc.assert(
      fc.property(scenario, ({ inputs, config }) => {
        const result = simulate(inputs, config);
        for (let i = 0; i < result.equity.length; i++) {
          let expected = result.cash![i]!;
          let scale = Math.abs(expected);
          for (const { symbol, bars } of inputs) {
            const trade = openAt(result, symbol, i);
            if (!trade) continue;
            const term = trade.size * (bars.close[i]! - trade.entryPrice);
            expected += term;
            scale += Math.abs(term);
          }
          expect(Math.abs(result.equity[i]! - expected)).toBeLessThanOrEqual(1e-9 * (scale + 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('books every trade: final cash = starting cash + closed pnl - entry fees of open trades', () => {
    fc.assert(
      fc.property(scenario, ({ inputs, config }) => {
        const result = simulate(inputs, config);
        // Running out of money writes the (negative) balance off to 0: nothing left to book.
        if (result.equity.some((value) => value <= 0)) return;
        const pnl = result.trades.reduce((sum, trade) => sum + trade.pnl, 0);
        const fees = result.openTrades.reduce((sum, trade) => sum + trade.commission, 0);
        const scale =
          config.cash + result.trades.reduce((sum, trade) => sum + Math.abs(trade.pnl), 0);
        const last = result.cash![result.cash!.length - 1]!;
        expect(Math.abs(last - (config.cash + pnl - fees))).toBeLessThanOrEqual(1e-9 * scale);
      }),
      { numRuns: 200 },
    );
  });

  it('never looks ahead: a run on a prefix equals the full run on those bars', () => {
    const withCut = scenario.chain((run) =>
      fc.record({
        run: fc.constant(run),
        // A prefix must still hold every warm-up.
        cut: fc.integer({
          min: Math.max(...run.inputs.map((input) => input.signals.warmup)) + 1,
          max: run.inputs[0]!.bars.length,
        }),
      }),
    );
    fc.assert(
      fc.property(withCut, ({ run: { inputs, config }, cut }) => {
        const full = simulate(inputs, config);
        const prefix = simulate(
          inputs.map((input) => ({
            ...input,
            bars: sliceBars(input.bars, 0, cut),
            signals: sliceSignals(input.signals, cut),
          })),
          config,
        );
        // Finalizing may change the prefix's last bar; everything before it must agree.
        const settled = config.finalizeTrades ? cut - 1 : cut;
        expect(Array.from(prefix.equity.subarray(0, settled))).toEqual(
          Array.from(full.equity.subarray(0, settled)),
        );
        expect(Array.from(prefix.cash!.subarray(0, settled))).toEqual(
          Array.from(full.cash!.subarray(0, settled)),
        );
        const before = (trade: Trade) => trade.exitBar < settled;
        expect(prefix.trades.filter(before)).toEqual(full.trades.filter(before));
      }),
      { numRuns: 300 },
    );
  });

  it('stays at zero once equity reaches zero', () => {
    fc.assert(
      fc.property(scenario, ({ inputs, config }) => {
        const result = simulate(inputs, config);
        const ruin = result.equity.findIndex((value) => value <= 0);
        if (ruin < 0) return;
        expect(result.equity.subarray(ruin).every((value) => value === 0)).toBe(true);
        expect(result.cash!.subarray(ruin).every((value) => value === 0)).toBe(true);
        expect(result.openTrades).toEqual([]);
        expect(result.trades.every((trade) => trade.exitBar <= ruin)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic and finite', () => {
    fc.assert(
      fc.property(scenario, ({ inputs, config }) => {
        const once = simulate(inputs, config);
        expect(simulate(inputs, config)).toEqual(once);
        expect(once.equity.every(Number.isFinite)).toBe(true);
        expect(once.cash!.every(Number.isFinite)).toBe(true);
        for (const trade of [...once.trades, ...once.openTrades]) {
          expect([trade.pnl, trade.returnPct, trade.commission].every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('without the cash series (keepCash: false) allocates none and gives the same result', () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), ({ inputs, config }, general) => {
        const { length, warmup } = validateSimulationInputs(inputs, config);
        const kept = new BarLoop(inputs, config, length, warmup, {}).run(general);
        const lean = new BarLoop(inputs, config, length, warmup, { keepCash: false }).run(general);
        expect(lean.cash).toBeNull();
        expect(lean).toEqual({ ...kept, cash: null });
      }),
      { numRuns: 200 },
    );
    const { inputs, config } = fc.sample(scenario, 1)[0]!;
    const sink = { due: () => true, save: () => {} };
    expect(() => simulate(inputs, config, { keepCash: false, checkpoints: sink })).toThrow(
      SimulationConfigError,
    );
  });

  it('writes the equity into a given buffer (equityInto), whatever it held, with the same result', () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), ({ inputs, config }, general) => {
        const { length, warmup } = validateSimulationInputs(inputs, config);
        const fresh = new BarLoop(inputs, config, length, warmup, {}).run(general);
        // A buffer left dirty by an earlier run: every bar must be written again.
        const into = new Float64Array(length).fill(Number.NaN);
        const reused = new BarLoop(inputs, config, length, warmup, { equityInto: into }).run(
          general,
        );
        expect(reused.equity).toBe(into);
        expect(reused).toEqual(fresh);
      }),
      { numRuns: 200 },
    );
    const { inputs, config } = fc.sample(scenario, 1)[0]!;
    const { length } = validateSimulationInputs(inputs, config);
    expect(() => simulate(inputs, config, { equityInto: new Float64Array(length + 1) })).toThrow(
      new SimulationConfigError(`equityInto holds ${length + 1} values for ${length} bars`),
    );
  });

  it('gives the same result through the one-symbol fast loop and the portfolio loop', () => {
    const single = scenario.filter(({ inputs }) => inputs.length === 1);
    fc.assert(
      fc.property(single, ({ inputs, config }) => {
        const { length, warmup } = validateSimulationInputs(inputs, config);
        const general = new BarLoop(inputs, config, length, warmup, {}).run(true);
        expect(simulate(inputs, config)).toEqual(general);
      }),
      { numRuns: 300 },
    );
  });

  it('resumes from any checkpoint, through its bytes, to the uninterrupted result bit for bit', () => {
    /** Every float as its bits, so -0 and +0 differ. */
    const bits = (result: SimulationResult) =>
      [
        result.equity,
        result.cash!,
        ...[...result.trades, ...result.openTrades].map((trade) =>
          Float64Array.from([
            trade.size,
            trade.entryPrice,
            trade.exitPrice,
            trade.pnl,
            trade.returnPct,
          ]),
        ),
      ].map((array) =>
        Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('hex'),
      );
    fc.assert(
      fc.property(scenario, fc.boolean(), ({ inputs, config }, general) => {
        const { length, warmup } = validateSimulationInputs(inputs, config);
        const full = new BarLoop(inputs, config, length, warmup, {}).run(general);
        // A checkpoint at every bar, kept as the files would keep it: bytes and two series.
        const saved: { state: Uint8Array; series: CheckpointSeries }[] = [];
        const checkpoints = {
          due: () => true,
          save: (checkpoint: SimulationCheckpoint) =>
            saved.push({
              state: encodeCheckpointState(checkpoint),
              series: {
                equity: checkpoint.equity.slice(),
                balance: checkpoint.balance.slice(),
                trades: encodeTrades(checkpoint.trades, checkpoint.symbols),
              },
            }),
        };
        const options = { checkpoints, progressEveryBars: 1 };
        expect(new BarLoop(inputs, config, length, warmup, options).run(general)).toEqual(full);
        for (const { state, series } of saved) {
          const resumeFrom = decodeCheckpointState(state, series);
          const resumed = new BarLoop(inputs, config, length, warmup, { resumeFrom }).run(general);
          expect(resumed).toEqual(full);
          expect(bits(resumed)).toEqual(bits(full));
        }
      }),
      { numRuns: 200 },
    );
  });
});
