import Value from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { computeStats } from './stats.js';
import { NullableStats, pickStats, StatsSchema } from './stats-schema.js';

describe('NullableStats', () => {
  const Schema = NullableStats(['returnPct', 'sharpeRatio', 'trades']);

  it("takes each statistic's schema from StatsSchema and admits null for all", () => {
    expect(Object.keys(Schema.properties)).toEqual(['returnPct', 'sharpeRatio', 'trades']);
    expect(Schema.properties.sharpeRatio).toBe(StatsSchema.properties.sharpeRatio);
    expect(Schema.properties.returnPct.anyOf[0]).toBe(StatsSchema.properties.returnPct);
    expect(Value.Check(Schema, { returnPct: null, sharpeRatio: null, trades: null })).toBe(true);
    expect(Value.Check(Schema, { returnPct: 1, sharpeRatio: 0.5, trades: 3 })).toBe(true);
    expect(Value.Check(Schema, { returnPct: 1, sharpeRatio: 0.5, trades: 2.5 })).toBe(false);
    expect(Value.Check(Schema, { returnPct: 1, sharpeRatio: 0.5, trades: 3, beta: 1 })).toBe(false);
  });
});

describe('pickStats', () => {
  it('copies the named statistics, in that order', () => {
    const stats = computeStats({
      time: Float64Array.from([0, 86_400_000]),
      equity: Float64Array.from([100, 100]),
      close: Float64Array.from([1, 1]),
      trades: [],
      openTrades: [],
      warmup: 0,
      conventions: 'hindsight',
    });
    const picked = pickStats(stats, ['trades', 'sharpeRatio']);
    expect(picked).toEqual({ trades: 0, sharpeRatio: null });
    expect(Object.keys(picked)).toEqual(['trades', 'sharpeRatio']);
    expectTypeOf(picked).toEqualTypeOf<{ trades: number; sharpeRatio: number | null }>();
  });
});
