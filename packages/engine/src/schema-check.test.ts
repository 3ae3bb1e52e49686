import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { checkSchema } from './schema-check.js';
import { getStrategy, STRATEGY_NAMES } from './strategies/registry.js';

// The compiled check must answer as Value.Check does, or a request it replaces a check of would
// be accepted or refused differently.
const candidates: unknown[] = [
  {},
  undefined,
  null,
  42,
  'x',
  [],
  { fast: 10, slow: 30 },
  { fast: '10', slow: 30 },
  { fast: 0, slow: -1 },
  { fast: 1.5, slow: 1e9 },
  { unknown: 1 },
  { period: 14, lower: 30, upper: 70 },
  { period: Number.NaN },
  { rules: { entry: 'close > sma(close, 20)', exit: 'close < sma(close, 20)' } },
];

describe('checkSchema', () => {
  it.each(STRATEGY_NAMES)('answers as Value.Check for the parameters of %s', (name) => {
    const schema = getStrategy(name).params;
    const values = [...candidates, Value.Default(schema, {}), Value.Create(schema)];
    for (const value of values) {
      expect(checkSchema(schema, value), JSON.stringify(value)).toBe(Value.Check(schema, value));
    }
  });
});
