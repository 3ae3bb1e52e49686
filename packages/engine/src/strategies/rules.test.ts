import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DataSet, loadBars } from '../../test/csv-bars.js';
import { type Bars, createBars, sliceBars } from '../bars.js';
import { FUNCTIONS } from '../rules/language.js';
import { RULE_LIMITS } from '../rules/parser.js';
import { StrategyParamsError } from './errors.js';
import { getStrategy, resolveParams } from './registry.js';

const DAY = 86_400_000;

function run(name: string, params: Record<string, unknown>, bars: Bars) {
  return getStrategy(name).signals(bars, resolveParams(name, params));
}

/** sma_crossover and ema_crossover written as rules. */
function crossoverRules(average: 'sma' | 'ema', fast: number, slow: number, allowShort: boolean) {
  const up = `crosses_above(${average}(close, $fast), ${average}(close, $slow))`;
  const down = `crosses_below(${average}(close, $fast), ${average}(close, $slow))`;
  return {
    entry: up,
    exit: down,
    ...(allowShort ? { shortEntry: down, shortExit: up } : {}),
    fast,
    slow,
  };
}

/** rsi_mean_reversion written as rules. */
function rsiRules(period: number, lower: number, upper: number) {
  return {
    entry: 'rsi(close, $period) < $lower',
    exit: 'rsi(close, $period) > $upper',
    period,
    lower,
    upper,
  };
}

function refusal(params: Record<string, unknown>): StrategyParamsError {
  try {
    resolveParams('rules', params);
  } catch (error) {
    if (error instanceof StrategyParamsError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(params)} to be refused`);
}

/** Daily bars from closes: open is the previous close, high and low 1% around the two. */
function barsOf(closes: readonly number[]): Bars {
  const open = closes.map((c, i) => (i === 0 ? c : closes[i - 1]!));
  return createBars({
    time: closes.map((_, i) => Date.UTC(2020, 0, 1) + i * DAY),
    open,
    high: closes.map((c, i) => Math.max(c, open[i]!) * 1.01),
    low: closes.map((c, i) => Math.min(c, open[i]!) * 0.99),
    close: closes,
    volume: closes.map((_, i) => 1000 + ((i * 7919) % 500)),
  });
}

/** A random walk with flat stretches, where running sums leave rounding noise. */
const walk = fc
  .array(
    fc.oneof(fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.constant(0), fc.constant(0)),
    { minLength: 2, maxLength: 400 },
  )
  .map((steps) => {
    const closes: number[] = [];
    let price = 100;
    for (const step of steps) {
      price = Math.max(0.01, price * (1 + step));
      closes.push(price);
    }
    return closes;
  });

describe('rules written as the built-in strategies equal them bit for bit', () => {
  const sets: DataSet[] = ['GOOG', 'EURUSD'];

  it.each(sets)('on %s', (set) => {
    const bars = loadBars(set);
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['sma_crossover', {}, crossoverRules('sma', 10, 30, false)],
      [
        'sma_crossover',
        { fast: 5, slow: 20, allowShort: true },
        crossoverRules('sma', 5, 20, true),
      ],
      ['ema_crossover', { fast: 12, slow: 26 }, crossoverRules('ema', 12, 26, false)],
      [
        'ema_crossover',
        { fast: 7, slow: 40, allowShort: true },
        crossoverRules('ema', 7, 40, true),
      ],
      ['rsi_mean_reversion', {}, rsiRules(14, 30, 70)],
      ['rsi_mean_reversion', { period: 5, lower: 25, upper: 80 }, rsiRules(5, 25, 80)],
    ];
    for (const [name, params, rules] of cases) {
      const builtIn = run(name, params, bars);
      expect(
        builtIn.enterLong.some((flag) => flag === 1),
        `${name} trades on ${set}`,
      ).toBe(true);
      expect(run('rules', rules, bars), `${name} ${JSON.stringify(params)}`).toEqual(builtIn);
    }
  });

  it('on random walks with flat stretches, for any periods', () => {
    fc.assert(
      fc.property(
        walk,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        (closes, a, b, allowShort) => {
          const fast = Math.min(a, b);
          const slow = Math.max(a, b) + 1;
          const bars = barsOf(closes);
          expect(run('rules', crossoverRules('sma', fast, slow, allowShort), bars)).toEqual(
            run('sma_crossover', { fast, slow, allowShort }, bars),
          );
          expect(run('rules', crossoverRules('ema', fast, slow, allowShort), bars)).toEqual(
            run('ema_crossover', { fast, slow, allowShort }, bars),
          );
          expect(run('rules', rsiRules(slow, 40, 60), bars)).toEqual(
            run('rsi_mean_reversion', { period: slow, lower: 40, upper: 60 }, bars),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * Expressions from the grammar, valid and not: known and unknown names, constants and variables
 * where series belong, negative lags, every function with right and wrong arguments.
 */
const expressions = (() => {
  const names = Object.keys(FUNCTIONS);
  const { expr } = fc.letrec<{ expr: string; num: string; bool: string }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('close', 'open', 'high', 'low', 'volume', '$a', '$b', '$missing', 'nope'),
      fc.integer({ min: -3, max: 60 }).map(String),
      fc
        .tuple(fc.constantFrom(...names), fc.array(tie('num'), { maxLength: 4 }))
        .map(([name, args]) => `${name}(${args.join(', ')})`),
      fc
        .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), tie('num'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('num').map((a) => `-(${a})`),
      fc.tuple(tie('num'), fc.integer({ min: -2, max: 5 })).map(([a, k]) => `(${a})[${k}]`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc
        .tuple(tie('num'), fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('num'))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
      fc
        .tuple(fc.constantFrom('crosses_above', 'crosses_below'), tie('num'), tie('num'))
        .map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc
        .tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool'))
        .map(([a, op, b]) => `(${a}) ${op} (${b})`),
      tie('bool').map((a) => `not (${a})`),
    ),
    expr: fc.oneof(tie('bool'), tie('bool'), tie('num'), fc.string({ maxLength: 30 })),
  }));
  return expr;
})();

/** Expressions the language accepts: series where series belong, constants where constants do. */
const validRules = (() => {
  const period = fc.integer({ min: 1, max: 20 }).map(String);
  const { bool } = fc.letrec<{ num: string; bool: string }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      fc.constantFrom('close', 'open', 'high', 'low', 'volume'),
      fc
        .tuple(
          fc.constantFrom('sma', 'ema', 'wma', 'rsi', 'roc', 'highest', 'lowest', 'stdev'),
          tie('num'),
          period,
        )
        .map(([name, series, n]) => `${name}(${series}, ${n})`),
      fc.tuple(fc.constantFrom('atr', 'vwap'), period).map(([name, n]) => `${name}(${n})`),
      tie('num').map((series) => `macd_hist(${series}, 3, 8, $a)`),
      fc
        .tuple(tie('num'), fc.constantFrom('+', '-', '*', '/'), fc.oneof(tie('num'), period))
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie('num'), fc.integer({ min: 0, max: 5 })).map(([a, k]) => `${a}[${k}]`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      fc
        .tuple(
          tie('num'),
          fc.constantFrom('<', '<=', '>', '>=', '==', '!='),
          fc.oneof(tie('num'), period),
        )
        .map(([a, op, b]) => `${a} ${op} ${b}`),
      fc
        .tuple(fc.constantFrom('crosses_above', 'crosses_below'), tie('num'), tie('num'))
        .map(([f, a, b]) => `${f}(${a}, ${b})`),
      fc
        .tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool'))
        .map(([a, op, b]) => `(${a}) ${op} (${b})`),
      tie('bool').map((a) => `not (${a})`),
      fc.tuple(tie('bool'), fc.integer({ min: 0, max: 3 })).map(([a, k]) => `(${a})[${k}]`),
    ),
  }));
  return bool.filter((source) => source.length <= 2000);
})();

describe('the rules strategy', () => {
  it('compiles and runs every generated expression, or refuses it with a coded issue at a column', () => {
    const bars = loadBars('GOOG');
    fc.assert(
      fc.property(expressions, expressions, (entry, exit) => {
        const params = { entry, exit, a: 3, b: 2.5 };
        let resolved: Record<string, unknown>;
        try {
          resolved = resolveParams('rules', params);
        } catch (error) {
          expect(error).toBeInstanceOf(StrategyParamsError);
          const [issue] = (error as StrategyParamsError).issues;
          expect(['entry', 'exit']).toContain(issue!.param);
          expect(issue!.column).toBeGreaterThanOrEqual(1);
          expect(issue!.problem).toMatch(/^at column \d+: /);
          return;
        }
        const signals = getStrategy('rules' as string).signals(bars, resolved);
        expect(signals.warmup).toBeGreaterThanOrEqual(0);
        expect(signals.warmup).toBeLessThanOrEqual(bars.length);
        for (const column of [signals.enterLong, signals.exitLong]) {
          expect(column.length).toBe(bars.length);
          expect(column.every((flag, i) => flag === 0 || (flag === 1 && i >= signals.warmup))).toBe(
            true,
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('decides at bar i from bars 0..i only, for any valid expression and any cut', () => {
    const full = loadBars('EURUSD');
    const strategy = getStrategy('rules' as string);
    fc.assert(
      fc.property(validRules, fc.integer({ min: 1, max: 400 }), (entry, cut) => {
        const params = resolveParams('rules', { entry, exit: 'close < close[1]', a: 3 });
        const whole = strategy.signals(full, params);
        const prefix = strategy.signals(sliceBars(full, 0, cut), params);
        expect(Array.from(prefix.enterLong)).toEqual(Array.from(whole.enterLong.subarray(0, cut)));
        expect(prefix.warmup).toBe(Math.min(whole.warmup, cut));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a parameter that cannot run, naming it, with the column for an expression', () => {
    const base = { entry: 'close > open', exit: 'close < open' };
    expect(refusal({ ...base, exit: 'close < opne' }).issues).toEqual([
      {
        param: 'exit',
        problem:
          "at column 9: unknown series 'opne' (series: open, high, low, close, volume; variables are written $name)",
        column: 9,
      },
    ]);
    expect(refusal({ entry: 'close > open' }).message).toBe('rules: exit is required');
    expect(refusal({ ...base, shortEntry: 'close > 1' }).message).toBe(
      'rules: shortExit is required with shortEntry: a short needs both',
    );
    expect(refusal({ ...base, fast: '10' }).message).toContain(
      'fast must be a number, as every parameter besides entry, exit, shortEntry, shortExit (got "10")',
    );
    expect(refusal({ ...base, 'fast-1': 10 }).message).toContain('fast-1 is not a variable name');
    expect(refusal({ ...base, entry: 'x'.repeat(RULE_LIMITS.maxLength + 1) }).message).toBe(
      `rules: entry at column 1: the expression is ${RULE_LIMITS.maxLength + 1} characters long; at most ${RULE_LIMITS.maxLength} are allowed`,
    );
  });

  it('refuses the same parameters when run directly, without resolveParams', () => {
    const bars = loadBars('GOOG');
    expect(() =>
      getStrategy('rules' as string).signals(bars, { entry: 'close >', exit: 'close < open' }),
    ).toThrow(StrategyParamsError);
  });

  it('trades the short pair: entry and exit each their own side', () => {
    const bars = barsOf([10, 11, 12, 11, 10, 11]);
    const signals = run(
      'rules',
      {
        entry: 'close > close[1]',
        exit: 'close < close[1]',
        shortEntry: 'close < 11',
        shortExit: 'close >= 11',
      },
      bars,
    );
    expect(Array.from(signals.enterLong)).toEqual([0, 1, 1, 0, 0, 1]);
    expect(Array.from(signals.exitLong)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(Array.from(signals.enterShort)).toEqual([0, 0, 0, 0, 1, 0]);
    expect(Array.from(signals.exitShort)).toEqual([0, 1, 1, 1, 0, 1]);
    expect(signals.warmup).toBe(1);
  });
});
