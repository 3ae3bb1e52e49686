import { describe, expect, it } from 'vitest';
import { loadBars } from '../../test/csv-bars.js';
import { flaggedBars } from '../../test/flags.js';
import { barsFromCloses } from '../../test/make-bars.js';
import { type PartialBars, requireColumns } from '../bars.js';
import { macd, sma } from '../indicators/index.js';
import { RuleProgram } from './compile.js';
import { RuleError } from './errors.js';
import { FUNCTIONS, SERIES } from './language.js';

const closes = [10, 11, 12, 11, 10, 9, 10, 12, 13, 12];
const bars = barsFromCloses(closes);

/** The bars where each expression is true, and the run's warm-up. */
function flags(sources: string[], variables: Record<string, number> = {}) {
  const program = new RuleProgram(variables);
  for (const source of sources) program.add(source);
  const run = program.run(bars);
  return { bars: run.flags.map(flaggedBars), warmup: run.warmup };
}

function refusal(source: string, variables: Record<string, number> = {}): RuleError {
  try {
    new RuleProgram(variables).add(source);
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to be refused`);
}

describe('RuleProgram', () => {
  it('compares series and constants bar by bar', () => {
    expect(flags(['close > 11', 'close <= 10', 'close == 12', 'close != 12']).bars).toEqual([
      [2, 7, 8, 9],
      [0, 4, 5, 6],
      [2, 7, 9],
      [0, 1, 3, 4, 5, 6, 8],
    ]);
  });

  it('reads a constant on the left as the same comparison turned around', () => {
    expect(flags(['11 < close', '10 >= close', '12 == close', '12 != close']).bars).toEqual(
      flags(['close > 11', 'close <= 10', 'close == 12', 'close != 12']).bars,
    );
    expect(flags(['close - close < 1', '1 > close - close']).bars[0]).toHaveLength(closes.length);
  });

  it('does arithmetic, with constants folded and variables read from the parameters', () => {
    // close - close[1]: _, 1, 1, -1, -1, -1, 1, 2, 1, -1
    expect(flags(['close - close[1] >= $step * 2 - 1'], { step: 1 }).bars).toEqual([
      [1, 2, 6, 7, 8],
    ]);
    expect(flags(['-close < -12', 'close / 2 > 5.5', '2 * close + 1 > 25']).bars).toEqual([
      [8],
      [2, 7, 8, 9],
      [8],
    ]);
  });

  it('combines with and, or, not', () => {
    expect(
      flags(['close > 10 and close < 12', 'close < 10 or close > 12', 'not close > 10']).bars,
    ).toEqual([
      [1, 3],
      [5, 8],
      [0, 4, 5, 6],
    ]);
  });

  it('reads earlier bars through lags; the bars without a history are false and warm-up', () => {
    const run = flags(['close[2] > close']);
    // close[2] > close: bar 4 (12 > 10), 5 (11 > 9)
    expect(run.bars).toEqual([[4, 5]]);
    expect(run.warmup).toBe(2);
    expect(flags(['(close > 11)[3]']).bars).toEqual([[5]]);
    expect(flags(['(close > 11)[3]']).warmup).toBe(3);
  });

  it('is false wherever a value is NaN (warm-up), whatever the comparison, and derives the warm-up', () => {
    const run = flags(['sma(close, 3) != 0', 'sma(close, 3) == sma(close, 3)']);
    expect(run.bars[0]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run.bars[1]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run.warmup).toBe(2);
    // `not` reads false in warm-up, since no decision is taken before it.
    expect(flags(['not sma(close, 4) > 100']).bars).toEqual([[3, 4, 5, 6, 7, 8, 9]]);
  });

  it("crosses with backtesting.py's crossover: strictly below, then strictly above", () => {
    // Through 11 by touching it (10, 11, 12 and 12, 11, 10) is no crossing; 10 -> 12 at bar 7 is.
    expect(flags(['crosses_above(close, 11)', 'crosses_below(close, 11)']).bars).toEqual([[7], []]);
    const level = barsFromCloses([10, 11, 12, 10, 12, 10]);
    const program = new RuleProgram({});
    program.add('crosses_above(close, 11)');
    program.add('crosses_below(close, 11)');
    expect(program.run(level).flags.map(flaggedBars)).toEqual([[4], [3, 5]]);
  });

  it('averages an averaged series over its defined part, as if the series began there', () => {
    const program = new RuleProgram({});
    program.add('sma(sma(close, 3), 2) > 0');
    program.add('sma(close, 3) > 0');
    const run = program.run(bars);
    const inner = sma(bars.close, 3);
    const expected = sma(inner.subarray(2), 2);
    expect(run.warmup).toBe(3);
    expect(flaggedBars(run.flags[0]!)).toEqual(
      Array.from(expected, (v, i) => (v > 0 ? i + 2 : -1)).filter((i) => i >= 0),
    );
  });

  it('computes identical sub-expressions once, across expressions', () => {
    const program = new RuleProgram({ fast: 3, slow: 5 });
    program.add('crosses_above(sma(close, $fast), sma(close, $slow))');
    program.add('crosses_below(sma(close, 3), sma(close, 5))');
    // close, sma 3, sma 5 and the two crossings.
    expect(program.stepCount).toBe(5);
    program.add(
      'macd(close, 2, 4, 2) > macd_signal(close, 2, 4, 2) and macd_hist(close, 2, 4, 2) > 0',
    );
    // Six more steps (macd, macd_signal, macd_hist, two comparisons, and: a constant is no column), the
    // three macd functions sharing one computation of the engine's macd.
    expect(program.stepCount).toBe(11);
    const line = macd(bars.close, 2, 4, 2);
    const expected = closes.flatMap((_, i) =>
      line.macd[i]! > line.signal[i]! && line.histogram[i]! > 0 ? [i] : [],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(flaggedBars(program.run(bars).flags[2]!)).toEqual(expected);
  });

  it('gives each expression its own flags even when two are the same', () => {
    const program = new RuleProgram({});
    program.add('close > 11');
    program.add('close > 11');
    const {
      flags: [a, b],
    } = program.run(bars);
    expect(a).not.toBe(b);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it.each([
    ['constructor > 1', 1, "unknown series 'constructor'"],
    ['__proto__ > 1', 1, "unknown series '__proto__'"],
    ['toString(close) > 1', 1, "unknown function 'toString'"],
    ['constructor(close) > 1', 1, "unknown function 'constructor'"],
    ['hasOwnProperty(close) > 1', 1, "unknown function 'hasOwnProperty'"],
    ['close > $constructor', 9, 'unknown variable $constructor (variables: $fast)'],
    ['close > $__proto__', 9, 'unknown variable $__proto__'],
    ['require(close) > 1', 1, "unknown function 'require'"],
    ['process > 1', 1, "unknown series 'process'"],
    ['sma > 1', 1, 'sma is a function: write sma(series, period)'],
    ['close(1) > 1', 1, 'close is a series, not a function'],
    ['sma(close) > 1', 1, 'sma takes 2 arguments, got 1: sma(series, period)'],
    ['obv(close) > 1', 1, 'obv takes 0 arguments, got 1'],
    ['sma(close, close) > 1', 12, "sma's period must be a constant"],
    ['sma(close, 2.5) > 1', 12, "sma's period must be a whole number from 1 to 10000 (got 2.5)"],
    ['sma(close, $fast - 10) > 1', 12, '(got -5)'],
    [
      'sma(5, 10) > 1',
      5,
      "sma's series must be a series such as close or sma(close, 10), not the constant 5",
    ],
    ['sma(close > 1, 10) > 1', 5, "sma's series must be a number series, not true/false"],
    ['macd(close, 26, 12, 9) > 0', 1, 'macd: fast must be < slow (got fast=26, slow=12, signal=9)'],
    ['percentile(close, 10, 2) > 0', 23, "percentile's p must be a number from 0 to 1 (got 2)"],
    [
      'close[-1] > 1',
      7,
      'a lag x[k] must be a whole number of bars ago, 0 or more, fixed before the run (got -1): nothing may read a later bar',
    ],
    ['close[0 - $fast] > 1', 7, '(got -5)'],
    ['close[volume] > 1', 7, 'fixed before the run, not a series'],
    ['close[1.5] > 1', 7, '(got 1.5)'],
    ['close[20000] > 1', 7, 'a lag may be at most 10000 bars'],
    ['close', 1, 'the expression must be true or false on each bar'],
    ['sma(close, 3) + 1', 1, 'the expression must be true or false on each bar'],
    ['1 > 0', 3, "'>' has a constant on both sides"],
    ['close > 1 and 1', 11, "'and' needs true/false on both sides, not a constant"],
    ['close and open', 7, "'and' needs true/false (a comparison or a crossing), not a number"],
    ['(close > 1) + 1 > 0', 13, "'+' needs numbers, not true/false"],
    ['not close', 1, "'not' needs true/false"],
    ['-(close > 1) > 0', 1, "'-' needs numbers, not true/false"],
    ['crosses_above(close > 1, open)', 15, "crosses_above's a must be a number series"],
  ])('refuses %j at column %i: %s', (source, column, message) => {
    const error = refusal(source, { fast: 5 });
    expect(error.column).toBe(column);
    expect(error.message).toContain(message);
  });

  it('says when no variables are given at all', () => {
    expect(refusal('close > $x').message).toContain(
      'unknown variable $x (no numeric parameters are given)',
    );
  });
});

describe('the bar columns a program reads (columns)', () => {
  const goog = loadBars('GOOG');
  /** Each series named alone, and each function called on the close with constants in bounds. */
  const expressions = [
    ...Object.keys(SERIES).map((name) => `${name} > 100`),
    ...Object.entries(FUNCTIONS).map(([name, spec]) => {
      // Periods 10, 15, 20, ... in order: macd's fast < slow.
      const args = spec.args.map((arg, i) => {
        if (arg.kind === 'series' || arg.kind === 'value') return 'close';
        if (arg.kind === 'period') return String(10 + 5 * i);
        return arg.maximum! <= 1 ? '0.5' : '2';
      });
      const call = `${name}(${args.join(', ')})`;
      return spec.returns === 'boolean' ? call : `${call} > 0`;
    }),
  ];

  it.each(expressions)('%s: on those columns alone, the same flags', (source) => {
    const program = new RuleProgram({});
    program.add(source);
    const only: PartialBars = { length: goog.length, time: goog.time };
    for (const column of program.columns) Object.assign(only, { [column]: goog[column] });
    // A column read but not declared is absent: reading it throws rather than passing.
    const pruned = program.run(requireColumns(only, program.columns));
    const whole = program.run(goog);
    expect(pruned.warmup).toBe(whole.warmup);
    expect(Buffer.from(pruned.flags[0]!).equals(Buffer.from(whole.flags[0]!))).toBe(true);
  });

  it('are the series named and those the functions called read, once each, in bar order', () => {
    const program = new RuleProgram({ n: 10 });
    program.add('crosses_above(sma(close, $n), ema(close, $n)) and volume > sma(volume, $n)');
    expect(program.columns).toEqual(['close', 'volume']);
    program.add('atr(14) > 2 or low < lowest(low, $n)[1]');
    expect(program.columns).toEqual(['high', 'low', 'close', 'volume']);
  });
});
