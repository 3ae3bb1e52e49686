import type { BarColumn, Bars } from '../bars.js';
import {
  atr,
  bollinger,
  ema,
  highest,
  lowest,
  macd,
  obv,
  roc,
  rollingPercentile,
  rsi,
  sma,
  stochastic,
  vwap,
  wma,
} from '../indicators/index.js';
import { firstDefined } from '../signals.js';
import { MAX_PERIOD } from '../strategies/schema.js';

/**
 * What an argument must be: `series` a value per bar (`close`, `sma(close, 10)`); `value` a series
 * or a constant; `period` a whole number of bars, `number` any constant - both fixed before the
 * run (literals, `$variables`, arithmetic of them), so they cannot vary from bar to bar.
 */
export type ArgKind = 'series' | 'value' | 'period' | 'number';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** Bounds of a constant argument. */
  readonly minimum?: number;
  readonly maximum?: number;
}

/**
 * What a function is given when the rule runs: series as columns, constants as numbers (a `value`
 * argument always as a column: the compiler fills one with a constant given there).
 */
interface CallContext {
  readonly bars: Bars;
  /** One computation shared by the functions of a family (macd, macd_signal, macd_hist). */
  shared<T>(make: () => T): T;
}

interface FunctionSpec {
  readonly args: readonly ArgSpec[];
  /** `number`: a value per bar; `boolean`: true or false per bar. */
  readonly returns: 'number' | 'boolean';
  readonly description: string;
  /** Functions of one family share a computation for the same arguments. */
  readonly family?: string;
  /**
   * The bar columns it reads from the context's bars itself (atr's high, low and close), besides
   * the series given as arguments: what a run of an expression calling it must load.
   */
  readonly reads?: readonly BarColumn[];
  /** A rule across arguments (macd's fast < slow): the problem, if broken. */
  readonly check?: (constants: readonly number[]) => string | undefined;
  compute(
    args: readonly (Float64Array | number)[],
    context: CallContext,
  ): Float64Array | Uint8Array;
}

/** The price and volume columns an expression may name. */
export const SERIES = Object.freeze(
  Object.assign(Object.create(null) as Record<string, BarColumn>, {
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    volume: 'volume',
  }),
) as Readonly<Record<string, BarColumn>>;

const period = (name = 'period'): ArgSpec => ({
  name,
  kind: 'period',
  minimum: 1,
  maximum: MAX_PERIOD,
});
const series = (name = 'series'): ArgSpec => ({ name, kind: 'series' });
const value = (name: string): ArgSpec => ({ name, kind: 'value' });

type Indicator = (values: Float64Array, period: number, out: Float64Array) => Float64Array;

/**
 * `indicator` over the defined part of `values`: a series that starts with a warm-up (an average
 * of an average) is averaged from its first value on, as if it began there, and stays NaN before.
 * Without this the engine's running sums would carry the warm-up's NaN along.
 */
function overDefined(
  values: Float64Array,
  compute: (values: Float64Array, out: Float64Array) => void,
): Float64Array {
  const out = new Float64Array(values.length);
  const first = firstDefined(values);
  if (first === 0) {
    compute(values, out);
    return out;
  }
  out.fill(Number.NaN, 0, first);
  compute(values.subarray(first), out.subarray(first));
  return out;
}

function rolling(indicator: Indicator, description: string): FunctionSpec {
  return {
    args: [series(), period()],
    returns: 'number',
    description,
    compute: ([values, bars]) =>
      overDefined(values as Float64Array, (v, out) => {
        indicator(v, bars as number, out);
      }),
  };
}

function macdPart(part: 'macd' | 'signal' | 'histogram', description: string): FunctionSpec {
  return {
    args: [series(), period('fast'), period('slow'), period('signal')],
    returns: 'number',
    description,
    family: 'macd',
    check: ([fast, slow, signal]) =>
      fast! < slow!
        ? undefined
        : `fast must be < slow (got fast=${fast}, slow=${slow}, signal=${signal})`,
    compute: ([values, fast, slow, signal], context) =>
      context.shared(() => {
        const v = values as Float64Array;
        const first = firstDefined(v);
        const out = { macd: nans(v.length), signal: nans(v.length), histogram: nans(v.length) };
        macd(v.subarray(first), fast as number, slow as number, signal as number, {
          macd: out.macd.subarray(first),
          signal: out.signal.subarray(first),
          histogram: out.histogram.subarray(first),
        });
        return out;
      })[part],
  };
}

function bandsPart(part: 'upper' | 'middle' | 'lower', description: string): FunctionSpec {
  return {
    args: [series(), period(), { name: 'k', kind: 'number', minimum: 0, maximum: 100 }],
    returns: 'number',
    description,
    family: 'bbands',
    compute: ([values, bars, k], context) =>
      context.shared(() => {
        const v = values as Float64Array;
        const first = firstDefined(v);
        const out = { upper: nans(v.length), middle: nans(v.length), lower: nans(v.length) };
        bollinger(v.subarray(first), bars as number, k as number, {
          upper: out.upper.subarray(first),
          middle: out.middle.subarray(first),
          lower: out.lower.subarray(first),
        });
        return out;
      })[part],
  };
}

function stochasticPart(part: 'k' | 'd', description: string): FunctionSpec {
  return {
    args: [period('kPeriod'), period('dPeriod')],
    returns: 'number',
    description,
    family: 'stoch',
    reads: ['high', 'low', 'close'],
    compute: ([kPeriod, dPeriod], { bars, shared }) =>
      shared(() =>
        stochastic(bars.high, bars.low, bars.close, kPeriod as number, dPeriod as number),
      )[part],
  };
}

function nans(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}

/**
 * backtesting.py's `crossover(a, b)`: a[i-1] < b[i-1] and a[i] > b[i], strict on both bars, so a
 * NaN on either bar is never a crossing (signals.ts's `crossover`, as the built-in strategies mark
 * it, with the previous bar's values kept in locals as crossings.ts does).
 */
function crossesAbove(a: Float64Array, b: Float64Array): Uint8Array {
  const n = a.length;
  const out = new Uint8Array(n);
  if (n === 0) return out;
  let prevA = a[0]!;
  let prevB = b[0]!;
  for (let i = 1; i < n; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    if (prevA < prevB && ai > bi) out[i] = 1;
    prevA = ai;
    prevB = bi;
  }
  return out;
}

const TABLE: Record<string, FunctionSpec> = {
  sma: rolling(sma, 'Simple moving average of the last period bars.'),
  ema: rolling(
    ema,
    'Exponential moving average, seeded with the simple average of the first period values.',
  ),
  wma: rolling(wma, 'Linearly weighted moving average of the last period bars.'),
  rsi: rolling(
    rsi,
    "Wilder's relative strength index, 0 to 100; first defined after period changes.",
  ),
  roc: rolling(roc, 'Rate of change in percent against the value period bars ago.'),
  highest: rolling(highest, 'Largest value of the last period bars, this bar included.'),
  lowest: rolling(lowest, 'Smallest value of the last period bars, this bar included.'),
  stdev: {
    args: [series(), period()],
    returns: 'number',
    description:
      'Population standard deviation (ddof 0) of the last period bars: the Bollinger band width at k = 1.',
    compute: ([values, bars]) => {
      const v = values as Float64Array;
      const first = firstDefined(v);
      const middle = nans(v.length);
      const out = nans(v.length);
      bollinger(v.subarray(first), bars as number, 1, {
        middle: middle.subarray(first),
        upper: out.subarray(first),
        lower: new Float64Array(v.length - first),
      });
      for (let i = first; i < v.length; i++) out[i] = out[i]! - middle[i]!;
      return out;
    },
  },
  percentile: {
    args: [series(), period(), { name: 'p', kind: 'number', minimum: 0, maximum: 1 }],
    returns: 'number',
    description: 'The p-quantile (0 to 1, linear interpolation) of the last period bars.',
    compute: ([values, bars, p]) =>
      overDefined(values as Float64Array, (v, out) => {
        rollingPercentile(v, bars as number, p as number, out);
      }),
  },
  atr: {
    args: [period()],
    returns: 'number',
    description: "Wilder's average true range of the bars' high, low and close.",
    reads: ['high', 'low', 'close'],
    compute: ([bars], { bars: b }) => atr(b.high, b.low, b.close, bars as number),
  },
  vwap: {
    args: [period()],
    returns: 'number',
    description:
      'Volume-weighted average of the typical price (high + low + close) / 3 over the last period bars.',
    reads: ['high', 'low', 'close', 'volume'],
    compute: ([bars], { bars: b }) => vwap(b.high, b.low, b.close, b.volume, bars as number),
  },
  obv: {
    args: [],
    returns: 'number',
    description: "On-balance volume of the bars' close and volume.",
    reads: ['close', 'volume'],
    compute: (_, { bars: b }) => obv(b.close, b.volume),
  },
  stoch_k: stochasticPart('k', "Lane's stochastic %K over kPeriod bars, 0 to 100."),
  stoch_d: stochasticPart('d', 'The dPeriod-bar simple average of stoch_k.'),
  macd: macdPart('macd', 'MACD line: ema(series, fast) - ema(series, slow).'),
  macd_signal: macdPart('signal', 'The signal-bar EMA of the MACD line.'),
  macd_hist: macdPart('histogram', 'MACD line minus its signal line.'),
  bbands_upper: bandsPart('upper', 'Upper Bollinger band: sma + k population standard deviations.'),
  bbands_middle: bandsPart('middle', 'Middle Bollinger band: the simple moving average.'),
  bbands_lower: bandsPart('lower', 'Lower Bollinger band: sma - k population standard deviations.'),
  crosses_above: {
    args: [value('a'), value('b')],
    returns: 'boolean',
    description:
      "True on the bar a crosses above b: a < b on the previous bar and a > b on this one (backtesting.py's crossover).",
    compute: ([a, b]) => crossesAbove(a as Float64Array, b as Float64Array),
  },
  crosses_below: {
    args: [value('a'), value('b')],
    returns: 'boolean',
    description: 'True on the bar a crosses below b: crosses_above(b, a).',
    compute: ([a, b]) => crossesAbove(b as Float64Array, a as Float64Array),
  },
};

/** Every function an expression may call, by name. Null prototype: `constructor` is not one. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, FunctionSpec>, TABLE),
);
