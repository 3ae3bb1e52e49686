import { describe, expect, it } from 'vitest';
import { StrategyParamsError, UnknownStrategyError } from './errors.js';
import {
  getStrategy,
  listStrategies,
  resolveParams,
  STRATEGY_NAMES,
  strategies,
} from './registry.js';

function paramsError(name: string, input: unknown): StrategyParamsError {
  try {
    resolveParams(name, input);
  } catch (error) {
    if (error instanceof StrategyParamsError) return error;
    throw error;
  }
  throw new Error(`expected resolveParams('${name}') to reject ${JSON.stringify(input)}`);
}

describe('the strategy registry', () => {
  it('holds the eight built-in strategies and rules, each under its own name', () => {
    expect([...STRATEGY_NAMES]).toEqual([
      'buy_and_hold',
      'sma_crossover',
      'ema_crossover',
      'rsi_mean_reversion',
      'bollinger_reversion',
      'macd_crossover',
      'donchian_breakout',
      'volume_zone_breakout',
      'rules',
    ]);
    for (const [name, definition] of Object.entries(strategies)) expect(definition.name).toBe(name);
    expect(Object.isFrozen(strategies)).toBe(true);
  });

  it('names strategies in snake_case and their parameters in camelCase, like every api field', () => {
    for (const { name, params } of Object.values(strategies)) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      for (const key of Object.keys(params.properties)) {
        expect(key, `${name}.${key}`).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      }
    }
  });

  it('gives every parameter a default, a description and bounds; periods are integers', () => {
    // rules has no defaults to give: its parameters are the user's expressions and variables.
    const builtIn = Object.values(strategies).filter(({ name }) => name !== 'rules');
    for (const { name, params } of builtIn) {
      for (const [key, schema] of Object.entries(params.properties) as [
        string,
        Record<string, unknown>,
      ][]) {
        const label = `${name}.${key}`;
        expect(schema.default, `${label} default`).toBeDefined();
        expect(typeof schema.description, `${label} description`).toBe('string');
        if (schema.type === 'boolean') continue;
        expect(schema.maximum, `${label} maximum`).toBeTypeOf('number');
        expect(schema.minimum ?? schema.exclusiveMinimum, `${label} lower bound`).toBeTypeOf(
          'number',
        );
        if (/period|window|fast|slow|signal/i.test(key)) expect(schema.type, label).toBe('integer');
      }
      const { additionalProperties } = params as { additionalProperties?: unknown };
      expect(additionalProperties, `${name} rejects unknown names`).toBe(false);
    }
  });

  it('looks strategies up by name and lists the known names for an unknown one', () => {
    expect(getStrategy('rsi_mean_reversion')).toBe(strategies.rsi_mean_reversion);
    for (const name of ['sma', 'toString', '__proto__', '']) {
      const call = () => getStrategy(name);
      expect(call).toThrow(UnknownStrategyError);
      expect(call).toThrow(`unknown strategy '${name}' (known: buy_and_hold, sma_crossover,`);
    }
    expect(() => resolveParams('nope', {})).toThrow(UnknownStrategyError);
  });
});

describe('resolveParams', () => {
  it('fills in the documented defaults', () => {
    expect(resolveParams('buy_and_hold', undefined)).toEqual({});
    expect(resolveParams('sma_crossover', {})).toEqual({ fast: 10, slow: 30, allowShort: false });
    expect(resolveParams('ema_crossover', undefined)).toEqual({
      fast: 12,
      slow: 26,
      allowShort: false,
    });
    expect(resolveParams('rsi_mean_reversion', {})).toEqual({ period: 14, lower: 30, upper: 70 });
    expect(resolveParams('bollinger_reversion', {})).toEqual({ period: 20, stdDev: 2 });
    expect(resolveParams('macd_crossover', {})).toEqual({
      fast: 12,
      slow: 26,
      signal: 9,
      allowShort: false,
    });
    expect(resolveParams('donchian_breakout', {})).toEqual({
      entryPeriod: 20,
      exitPeriod: 10,
      allowShort: false,
    });
    expect(resolveParams('volume_zone_breakout', {})).toEqual({
      volumeWindow: 50,
      topPercentile: 0.2,
      breakoutBuffer: 0,
      exitWindow: 20,
    });
  });

  it('keeps given values, and never changes its input', () => {
    const input = Object.freeze({ slow: 50 });
    expect(resolveParams('sma_crossover', input)).toEqual({
      fast: 10,
      slow: 50,
      allowShort: false,
    });
    expect(input).toEqual({ slow: 50 });
  });

  it.each([
    [
      'sma_crossover',
      { fast: 30, slow: 10 },
      'sma_crossover: fast must be < slow (got fast=30, slow=10)',
    ],
    ['sma_crossover', { fast: 30 }, 'sma_crossover: fast must be < slow (got fast=30, slow=30)'],
    ['ema_crossover', { fast: 26 }, 'ema_crossover: fast must be < slow (got fast=26, slow=26)'],
    ['macd_crossover', { slow: 5 }, 'macd_crossover: fast must be < slow (got fast=12, slow=5)'],
    [
      'rsi_mean_reversion',
      { period: 1.5 },
      'rsi_mean_reversion: period must be an integer >= 2 (got 1.5)',
    ],
    [
      'rsi_mean_reversion',
      { period: 3.5 },
      'rsi_mean_reversion: period must be an integer (got 3.5)',
    ],
    [
      'rsi_mean_reversion',
      { lower: 70 },
      'rsi_mean_reversion: lower must be < upper (got lower=70, upper=70)',
    ],
    ['rsi_mean_reversion', { upper: 101 }, 'rsi_mean_reversion: upper must be <= 100 (got 101)'],
    ['bollinger_reversion', { stdDev: 0 }, 'bollinger_reversion: stdDev must be > 0 (got 0)'],
    ['sma_crossover', { slow: 20000 }, 'sma_crossover: slow must be <= 10000 (got 20000)'],
    ['sma_crossover', { fast: '5' }, 'sma_crossover: fast must be an integer (got "5")'],
    ['sma_crossover', { allowShort: 1 }, 'sma_crossover: allowShort must be true or false (got 1)'],
    [
      'volume_zone_breakout',
      { topPercentile: 0 },
      'volume_zone_breakout: topPercentile must be > 0 (got 0)',
    ],
    [
      'sma_crossover',
      { fats: 5 },
      'sma_crossover: fats is not a parameter of this strategy (known: fast, slow, allowShort)',
    ],
    [
      'buy_and_hold',
      { cash: 1 },
      'buy_and_hold: cash is not a parameter of this strategy (known: none)',
    ],
    ['sma_crossover', null, 'sma_crossover: parameters must be an object (got null)'],
    ['sma_crossover', [10, 30], 'sma_crossover: parameters must be an object (got [10,30])'],
  ])('rejects %s %j: "%s"', (name, input, message) => {
    const error = paramsError(name, input);
    expect(error.message).toBe(message);
    expect(error.strategy).toBe(name);
  });

  it('reports every bad parameter at once, each with its name', () => {
    const error = paramsError('volume_zone_breakout', {
      volumeWindow: 1,
      exitWindow: 0.5,
      extra: 1,
    });
    expect(error.issues.map((issue) => issue.param)).toEqual([
      'extra',
      'volumeWindow',
      'exitWindow',
    ]);
    expect(error.message).toBe(
      'volume_zone_breakout: extra is not a parameter of this strategy (known: volumeWindow, ' +
        'topPercentile, breakoutBuffer, exitWindow); volumeWindow must be >= 2 (got 1); ' +
        'exitWindow must be an integer >= 1 (got 0.5)',
    );
  });

  it('rejects NaN and infinite numbers', () => {
    expect(paramsError('bollinger_reversion', { stdDev: Number.NaN }).message).toMatch(
      /stdDev must be a number/,
    );
    expect(paramsError('sma_crossover', { slow: Number.POSITIVE_INFINITY }).message).toMatch(
      /slow must be an integer/,
    );
  });
});

describe('listStrategies', () => {
  it('describes each strategy with the JSON Schema of its parameters, as plain JSON', () => {
    const list = listStrategies();
    expect(list.map((entry) => entry.name)).toEqual([...STRATEGY_NAMES]);
    const sma = list.find((entry) => entry.name === 'sma_crossover')!;
    expect(sma.description).toMatch(/fast simple moving average/);
    expect(sma.params).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {
        fast: { type: 'integer', default: 10, minimum: 1 },
        slow: { type: 'integer', default: 30, minimum: 2 },
        allowShort: { type: 'boolean', default: false },
      },
    });
    expect(JSON.parse(JSON.stringify(list))).toEqual(list);
    expect(list.filter((entry) => entry.language).map((entry) => entry.name)).toEqual(['rules']);
  });

  it("describes rules' language: its series, each function's arguments, operators and limits", () => {
    const rules = listStrategies().find((entry) => entry.name === 'rules')!;
    expect(rules.params).toMatchObject({
      required: ['entry', 'exit'],
      additionalProperties: { type: 'number' },
      properties: { entry: { type: 'string' }, shortExit: { type: 'string' } },
    });
    const language = rules.language!;
    expect(language.series).toEqual(['open', 'high', 'low', 'close', 'volume']);
    expect(language.functions.find((f) => f.name === 'sma')).toEqual({
      name: 'sma',
      args: [
        { name: 'series', kind: 'series' },
        { name: 'period', kind: 'period', minimum: 1, maximum: 10_000 },
      ],
      returns: 'number',
      description: 'Simple moving average of the last period bars.',
    });
    expect(language.functions.find((f) => f.name === 'crosses_above')).toMatchObject({
      args: [
        { name: 'a', kind: 'value' },
        { name: 'b', kind: 'value' },
      ],
      returns: 'boolean',
    });
    expect(language.operators.map((o) => o.symbol)).toContain('x[k]');
    expect(language.limits).toEqual({ maxLength: 2000, maxDepth: 32, maxNodes: 400 });
  });

  it('returns a copy: changing it leaves the registry alone', () => {
    const first = listStrategies()[1]!;
    (first.params.properties as Record<string, { default: number }>).fast!.default = 99;
    expect(resolveParams('sma_crossover', {}).fast).toBe(10);
  });
});
