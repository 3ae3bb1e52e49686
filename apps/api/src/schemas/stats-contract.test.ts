import { StatsConventionsSchema, StatsSchema } from '@hindsight/metrics';
import Type, { type TSchema } from 'typebox';
import { describe, expect, it } from 'vitest';
import { COMPARED_DRAWDOWN, COMPARED_METRICS, CompareResponse } from './compare.js';
import { ResultBody } from './result.js';

const STAT_KEYS = Object.keys(StatsSchema.properties);

function isNullable(schema: TSchema): boolean {
  return Type.IsUnion(schema) && schema.anyOf.some((member) => Type.IsNull(member));
}

describe('ResultBody', () => {
  it("serves StatsSchema's statistics: the same keys, each with its schema and nullability", () => {
    const stats = ResultBody.properties.stats;
    expect(Object.keys(stats.properties)).toEqual(STAT_KEYS);
    for (const key of STAT_KEYS) {
      const served = stats.properties[key as keyof typeof stats.properties];
      const defined = StatsSchema.properties[key as keyof typeof StatsSchema.properties];
      expect(served, key).toBe(defined);
    }
    expect(ResultBody.properties.conventions).toBe(StatsConventionsSchema);
  });
});

describe('CompareResponse', () => {
  const backtest = CompareResponse.properties.backtests.items;

  it.each([
    ['metrics', COMPARED_METRICS],
    ['drawdown', COMPARED_DRAWDOWN],
  ] as const)('compares %s that are statistics of StatsSchema, each nullable', (group, keys) => {
    const properties: Record<string, TSchema> = backtest.properties[group].properties;
    expect(Object.keys(properties)).toEqual([...keys]);
    for (const key of keys) {
      expect(STAT_KEYS, key).toContain(key);
      expect(isNullable(properties[key]!), `${key} is nullable`).toBe(true);
      const schema = properties[key]!;
      const members = Type.IsUnion(schema) ? [schema, ...schema.anyOf] : [schema];
      expect(members, `${key} is StatsSchema's`).toContain(StatsSchema.properties[key]);
    }
  });
});
