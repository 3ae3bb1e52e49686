import type { Conventions } from '@hindsight/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeTrial } from './across-runs/trial.js';
import { periodReturns } from './daily-returns.js';
import { MetricsInputError } from './errors.js';
import { scanEquity, scanMarket } from './scan.js';
import { computeStats, computeStatsAndTrial } from './stats.js';
import type { StatsInput } from './types.js';

const DAY = 86_400_000;

/** Every number as its IEEE-754 bits, so -0, NaN and the last ulp all count. */
function bits(value: unknown): unknown {
  if (typeof value === 'number') {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    return view.getBigUint64(0).toString(16);
  }
  if (Array.isArray(value)) return value.map(bits);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bits(v)]));
  }
  return value;
}

/** A walk with flat stretches (flat equity and a repeated close skip the logarithm). */
const walk = fc.array(
  fc.record({
    gap: fc.constantFrom(60_000, 3_600_000, DAY, DAY, 3 * DAY, 7 * DAY),
    equityMove: fc.oneof(fc.constant(0), fc.double({ min: -0.2, max: 0.2, noNaN: true })),
    closeMove: fc.oneof(fc.constant(0), fc.double({ min: -0.1, max: 0.1, noNaN: true })),
  }),
  { minLength: 1, maxLength: 80 },
);

function series(steps: { gap: number; equityMove: number; closeMove: number }[]) {
  let t = Date.UTC(2020, 0, 3);
  let e = 10_000;
  let c = 100;
  const time = new Float64Array(steps.length);
  const equity = new Float64Array(steps.length);
  const close = new Float64Array(steps.length);
  steps.forEach((step, i) => {
    if (i > 0) {
      t += step.gap;
      e *= 1 + step.equityMove;
      c *= 1 + step.closeMove;
    }
    time[i] = t;
    equity[i] = e;
    close[i] = c;
  });
  return { time, equity, close };
}

/** The statistics' input for a run with no trades. */
function inputOf(
  { time, equity, close }: { time: Float64Array; equity: Float64Array; close: Float64Array },
  warmup: number,
  conventions: Conventions,
): StatsInput {
  return { time, equity, close, trades: [], openTrades: [], warmup, conventions };
}

describe('computeStats with a market scan', () => {
  it('equals computeStats without one, bit for bit, for several runs sharing one scan', () => {
    fc.assert(
      fc.property(
        walk,
        fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { maxLength: 80 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.constantFrom<Conventions>('backtesting.py', 'hindsight'),
        (steps, otherRuns, conventions) => {
          const { time, equity, close } = series(steps);
          const market = scanMarket(time, close);
          const curves = [
            equity,
            ...otherRuns.map((moves) => {
              let e = 5_000;
              return Float64Array.from(
                time,
                (_, i) => (e *= 1 + (moves[i % (moves.length || 1)] ?? 0)),
              );
            }),
          ];
          for (const curve of curves) {
            const input = inputOf(
              { time, equity: curve, close },
              Math.floor(time.length / 3),
              conventions,
            );
            expect(bits(computeStats(input, market))).toEqual(bits(computeStats(input)));
          }
        },
      ),
      { seed: 4321, numRuns: 300 },
    );
  });

  it('on daily bars, computes the period returns in the equity scan, equal to periodReturns', () => {
    const daily = fc.array(
      fc.record({
        gap: fc.constantFrom(DAY, DAY, 3 * DAY),
        equityMove: fc.oneof(
          fc.constant(0),
          fc.constant(-1),
          fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        ),
        closeMove: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 300 },
    );
    fc.assert(
      fc.property(
        daily,
        fc.constantFrom<Conventions>('backtesting.py', 'hindsight'),
        (steps, conventions) => {
          // A move of -1 ruins the account: equity 0 from there on, and 0 / 0 returns.
          const { time, equity, close } = series(steps);
          const market = scanMarket(time, close);
          const scan = scanEquity(market, equity);
          expect(scan.periodReturns).not.toBeNull();
          expect(bits([...scan.periodReturns!])).toEqual(
            bits([...periodReturns(equity, market.periodEnds)]),
          );
          const input = inputOf({ time, equity, close }, 0, conventions);
          if (equity.every((e) => e > 0)) {
            expect(bits(computeStats(input, market))).toEqual(bits(computeStats(input)));
          }
        },
      ),
      { seed: 99, numRuns: 300 },
    );
    // Two bars in one day: the period returns are not the bar returns, and the scan leaves them.
    const { time, equity, close } = series([
      { gap: DAY, equityMove: 0, closeMove: 0 },
      { gap: 60_000, equityMove: 0.1, closeMove: 0.1 },
    ]);
    expect(scanEquity(scanMarket(time, close), equity).periodReturns).toBeNull();
  });

  it('with the trial summary (computeStatsAndTrial): both as computed apart, bit for bit', () => {
    const spacing = fc.oneof(
      fc.constant([DAY]),
      fc.constant([DAY, 3 * DAY]),
      fc.constant([60_000, 3_600_000, DAY]),
    );
    fc.assert(
      fc.property(
        spacing.chain((gaps) =>
          fc.array(
            fc.record({
              gap: fc.constantFrom(...gaps),
              equityMove: fc.oneof(fc.constant(0), fc.double({ min: -0.2, max: 0.2, noNaN: true })),
              closeMove: fc.double({ min: -0.1, max: 0.1, noNaN: true }),
            }),
            { minLength: 1, maxLength: 120 },
          ),
        ),
        fc.constantFrom(2, 16),
        fc.constantFrom<Conventions>('backtesting.py', 'hindsight'),
        (steps, partitions, conventions) => {
          const { time, equity, close } = series(steps);
          const market = scanMarket(time, close);
          const input = inputOf({ time, equity, close }, 0, conventions);
          const both = computeStatsAndTrial(input, market, partitions);
          expect(bits(both.stats)).toEqual(bits(computeStats(input)));
          expect(bits(both.trial)).toEqual(bits(summarizeTrial(equity, partitions)));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it('equals it across the 4,096-bar chunks of the scan (20,000 one-minute bars)', () => {
    const steps = Array.from({ length: 20_000 }, (_, i) => ({
      gap: 60_000,
      equityMove: i % 7 === 0 ? 0 : Math.sin(i) * 0.001,
      closeMove: i % 11 === 0 ? 0 : Math.cos(i) * 0.001,
    }));
    const { time, equity, close } = series(steps);
    const input = inputOf({ time, equity, close }, 100, 'backtesting.py');
    expect(bits(computeStats(input, scanMarket(time, close)))).toEqual(bits(computeStats(input)));
  });

  it('refuses a scan of other bars, and bad bars, naming the first', () => {
    const { time, equity, close } = series([
      { gap: DAY, equityMove: 0, closeMove: 0 },
      { gap: DAY, equityMove: 0.1, closeMove: 0.1 },
    ]);
    const input = inputOf({ time, equity, close }, 0, 'hindsight');
    expect(() => computeStats(input, scanMarket(time, close.slice()))).toThrow(MetricsInputError);
    expect(() => scanMarket(time, Float64Array.from([1, -1]))).toThrow(/close\[1\] = -1/);
    expect(() => scanMarket(Float64Array.from([DAY, DAY]), close)).toThrow(/time\[1\]/);
    const market = scanMarket(time, close);
    const bad = { ...input, equity: Float64Array.from([1, Number.NaN]) };
    expect(() => computeStats(bad, market)).toThrow(/equity\[1\] = NaN/);
  });
});
