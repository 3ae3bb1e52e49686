import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { constantBars } from '../../test/make-bars.js';
import { type Bars, sliceBars } from '../bars.js';
import {
  atr,
  type BollingerOutput,
  bollinger,
  type DonchianOutput,
  donchian,
  ema,
  highest,
  lowest,
  type MacdOutput,
  macd,
  obv,
  roc,
  rollingPercentile,
  rsi,
  type StochasticOutput,
  sma,
  stochastic,
  vwap,
  wma,
} from './index.js';

type Outputs = Record<string, Float64Array>;

/**
 * One indicator with fixed parameters, as the contract sees it (after trading-signals'
 * `testIndicatorContract`): named outputs, each with its documented warm-up.
 */
interface IndicatorCase {
  name: string;
  /** The documented index of each output's first defined value. */
  warmup: Record<string, number>;
  run(bars: Bars, out?: Outputs): Outputs;
  /** Each output's value on bars whose prices are all `price` and volumes all 1000. */
  constant(price: number): Record<string, number>;
  /** Calls with a bad parameter, each expected to throw a RangeError matching the pattern. */
  invalid: [string, () => unknown, RegExp][];
}

const tiny = loadBars('GOOG').close.subarray(0, 40);
const short = new Float64Array(39);

function single(
  name: string,
  warmup: number,
  compute: (bars: Bars, out?: Float64Array) => Float64Array,
  constant: (price: number) => number,
  invalid: [string, () => unknown, RegExp][],
): IndicatorCase {
  return {
    name,
    warmup: { value: warmup },
    run: (bars, out) => ({ value: compute(bars, out?.value) }),
    constant: (price) => ({ value: constant(price) }),
    invalid,
  };
}

const periodErrors = (call: (period: number) => unknown): [string, () => unknown, RegExp][] => [
  ['period 0', () => call(0), /period must be a whole number >= 1, got 0/],
  ['period 2.5', () => call(2.5), /period must be a whole number >= 1, got 2.5/],
  ['period NaN', () => call(Number.NaN), /period must be a whole number >= 1, got NaN/],
  ['period -3', () => call(-3), /got -3/],
];

const cases: IndicatorCase[] = [
  single(
    'sma(30)',
    29,
    (b, o) => sma(b.close, 30, o),
    (p) => p,
    [
      ...periodErrors((period) => sma(tiny, period)),
      ['a short out', () => sma(tiny, 3, new Float64Array(39)), /out has 39 slots but the input/],
    ],
  ),
  single(
    'sma(1)',
    0,
    (b, o) => sma(b.close, 1, o),
    (p) => p,
    [],
  ),
  single(
    'ema(26)',
    25,
    (b, o) => ema(b.close, 26, o),
    (p) => p,
    [
      ...periodErrors((period) => ema(tiny, period)),
      ['a short out', () => ema(tiny, 3, short), /out has 39 slots/],
    ],
  ),
  single(
    'ema(1)',
    0,
    (b, o) => ema(b.close, 1, o),
    (p) => p,
    [],
  ),
  single(
    'wma(10)',
    9,
    (b, o) => wma(b.close, 10, o),
    (p) => p,
    [
      ...periodErrors((period) => wma(tiny, period)),
      ['a short out', () => wma(tiny, 3, short), /out has 39 slots/],
    ],
  ),
  single(
    'rsi(14)',
    14,
    (b, o) => rsi(b.close, 14, o),
    () => 50,
    [
      ...periodErrors((period) => rsi(tiny, period)),
      ['a short out', () => rsi(tiny, 3, short), /out has 39 slots/],
    ],
  ),
  single(
    'rsi(2)',
    2,
    (b, o) => rsi(b.close, 2, o),
    () => 50,
    [],
  ),
  {
    name: 'macd(12, 26, 9)',
    warmup: { macd: 25, signal: 33, histogram: 33 },
    run: (b, o) => ({ ...macd(b.close, 12, 26, 9, o as MacdOutput | undefined) }),
    constant: () => ({ macd: 0, signal: 0, histogram: 0 }),
    invalid: [
      ['fast 0', () => macd(tiny, 0, 26, 9), /fast must be a whole number >= 1, got 0/],
      ['slow 2.5', () => macd(tiny, 2, 2.5, 9), /slow must be a whole number >= 1, got 2.5/],
      ['signal 0', () => macd(tiny, 12, 26, 0), /signal must be a whole number >= 1, got 0/],
      ['fast = slow', () => macd(tiny, 26, 26, 9), /fast must be < slow \(got fast=26, slow=26\)/],
      ['fast > slow', () => macd(tiny, 30, 26, 9), /fast must be < slow \(got fast=30, slow=26\)/],
    ],
  },
  {
    name: 'macd(3, 5, 2)',
    warmup: { macd: 4, signal: 5, histogram: 5 },
    run: (b, o) => ({ ...macd(b.close, 3, 5, 2, o as MacdOutput | undefined) }),
    constant: () => ({ macd: 0, signal: 0, histogram: 0 }),
    invalid: [],
  },
  {
    name: 'bollinger(20, 2)',
    warmup: { middle: 19, upper: 19, lower: 19 },
    run: (b, o) => ({ ...bollinger(b.close, 20, 2, o as BollingerOutput | undefined) }),
    constant: (p) => ({ middle: p, upper: p, lower: p }),
    invalid: [
      ...periodErrors((period) => bollinger(tiny, period)),
      ['stdDev -1', () => bollinger(tiny, 20, -1), /stdDev must be a finite number >= 0, got -1/],
      ['stdDev NaN', () => bollinger(tiny, 20, Number.NaN), /stdDev must be a finite number/],
    ],
  },
  single(
    'atr(14)',
    14,
    (b, o) => atr(b.high, b.low, b.close, 14, o),
    () => 0,
    [
      ...periodErrors((period) => atr(tiny, tiny, tiny, period)),
      [
        'columns of unequal length',
        () => atr(tiny, short, tiny),
        /low has 39 values but high has 40/,
      ],
    ],
  ),
  {
    name: 'stochastic(14, 3)',
    warmup: { k: 13, d: 15 },
    run: (b, o) => ({
      ...stochastic(b.high, b.low, b.close, 14, 3, o as StochasticOutput | undefined),
    }),
    constant: () => ({ k: 50, d: 50 }),
    invalid: [
      ['kPeriod 0', () => stochastic(tiny, tiny, tiny, 0), /kPeriod must be a whole number >= 1/],
      ['dPeriod 1.5', () => stochastic(tiny, tiny, tiny, 5, 1.5), /dPeriod must be a whole/],
      ['unequal columns', () => stochastic(tiny, tiny, short), /close has 39 values/],
    ],
  },
  {
    name: 'donchian(20)',
    warmup: { upper: 19, lower: 19, middle: 19 },
    run: (b, o) => ({ ...donchian(b.high, b.low, 20, o as DonchianOutput | undefined) }),
    constant: (p) => ({ upper: p, lower: p, middle: p }),
    invalid: [
      ...periodErrors((period) => donchian(tiny, tiny, period)),
      ['unequal columns', () => donchian(tiny, short), /low has 39 values but high has 40/],
    ],
  },
  single(
    'highest(20)',
    19,
    (b, o) => highest(b.high, 20, o),
    (p) => p,
    [...periodErrors((period) => highest(tiny, period))],
  ),
  single(
    'lowest(5)',
    4,
    (b, o) => lowest(b.low, 5, o),
    (p) => p,
    [...periodErrors((period) => lowest(tiny, period))],
  ),
  single(
    'roc(10)',
    10,
    (b, o) => roc(b.close, 10, o),
    () => 0,
    [...periodErrors((period) => roc(tiny, period))],
  ),
  single(
    'obv',
    0,
    (b, o) => obv(b.close, b.volume, o),
    () => 0,
    [['unequal columns', () => obv(tiny, short), /volume has 39 values but close has 40/]],
  ),
  single(
    'vwap(20)',
    19,
    (b, o) => vwap(b.high, b.low, b.close, b.volume, 20, o),
    (p) => p,
    [
      ...periodErrors((period) => vwap(tiny, tiny, tiny, tiny, period)),
      ['unequal columns', () => vwap(tiny, tiny, tiny, short), /volume has 39 values/],
    ],
  ),
  single(
    'rollingPercentile(50, 0.8) of volume',
    49,
    (b, o) => rollingPercentile(b.volume, 50, 0.8, o),
    () => 1000,
    [
      ...periodErrors((period) => rollingPercentile(tiny, period, 0.5)),
      [
        'p 1.5',
        () => rollingPercentile(tiny, 5, 1.5),
        /p must be a number between 0 and 1, got 1.5/,
      ],
      ['p -0.1', () => rollingPercentile(tiny, 5, -0.1), /got -0.1/],
    ],
  ),
];

const goog = loadBars('GOOG');

function fresh(outputs: Outputs, fill: number): Outputs {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, column]) => [
      key,
      new Float64Array(column.length).fill(fill),
    ]),
  );
}

describe.each(cases)('indicator contract: $name', (indicator) => {
  const full = indicator.run(goog);
  const outputs = Object.entries(indicator.warmup);

  it('returns exactly the documented outputs, one value per bar', () => {
    expect(Object.keys(full).sort()).toEqual(Object.keys(indicator.warmup).sort());
    for (const [key, column] of Object.entries(full)) {
      expect(column, key).toBeInstanceOf(Float64Array);
      expect(column.length, key).toBe(goog.length);
    }
  });

  it('is NaN exactly before its documented warm-up and finite from it on', () => {
    for (const [key, warmup] of outputs) {
      const column = full[key]!;
      const firstFinite = column.findIndex(Number.isFinite);
      expect(firstFinite, `${key}: first finite index`).toBe(warmup);
      for (let i = 0; i < column.length; i++) {
        expect(Number.isNaN(column[i]!), `${key}[${i}] NaN iff before ${warmup}`).toBe(i < warmup);
      }
    }
  });

  it('is all NaN on input no longer than the warm-up, and empty on empty input', () => {
    for (const [key, warmup] of outputs) {
      const column = indicator.run(sliceBars(goog, 0, warmup))[key]!;
      expect(column.length, key).toBe(warmup);
      expect(column.every(Number.isNaN), `${key} over ${warmup} bars`).toBe(true);
      expect(indicator.run(sliceBars(goog, 0, 0))[key]!.length, `${key} of no bars`).toBe(0);
    }
  });

  it('writes the same values into a provided out, and returns it', () => {
    const out = fresh(full, 12345);
    const written = indicator.run(goog, out);
    for (const [key, column] of Object.entries(written)) {
      expect(column, `${key} is the provided array`).toBe(out[key]);
      expect(Array.from(column), key).toEqual(Array.from(full[key]!));
    }
  });

  it('never looks ahead: values at bar t are the same on bars 0..t alone', () => {
    const longest = Math.max(...outputs.map(([, warmup]) => warmup));
    for (const cut of [1, longest, longest + 1, longest + 2, 100, 1000, goog.length - 1]) {
      const prefix = indicator.run(sliceBars(goog, 0, cut));
      for (const [key, column] of Object.entries(prefix)) {
        expect(Array.from(column), `${key} on the first ${cut} bars`).toEqual(
          Array.from(full[key]!.subarray(0, cut)),
        );
      }
    }
  });

  it('gives the obvious values on constant input', () => {
    // 100 is exact in binary, so every sum and mean is exact; 0.1 is not, hence the tolerance.
    for (const [price, tolerance] of [
      [100, 0],
      [0.1, 1e-12],
    ] as const) {
      const bars = constantBars(200, price);
      const result = indicator.run(bars);
      for (const [key, expected] of Object.entries(indicator.constant(price))) {
        const column = result[key]!;
        for (let i = indicator.warmup[key]!; i < column.length; i++) {
          const error = Math.abs(column[i]! - expected);
          expect(error, `${key}[${i}] = ${column[i]} at price ${price}`).toBeLessThanOrEqual(
            tolerance * Math.max(1, Math.abs(expected)),
          );
        }
      }
    }
  });

  it.each(indicator.invalid)('rejects %s with a RangeError', (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
