import { readFileSync } from 'node:fs';
import type { Conventions, Trade } from '@hindsight/engine';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { computeStats } from './stats.js';
import { type Stats, StatsSchema } from './stats-schema.js';

/**
 * Expected values come from packages/metrics/reference/stats_reference.py, an independent
 * pure-Python implementation of the compat doc's statistics (regeneration command at its top).
 */
interface Fixture {
  name: string;
  description: string;
  input: {
    time: number[];
    equity: number[];
    close: number[];
    trades: Trade[];
    openTrades: Trade[];
    warmup: number;
  };
  expected: Record<Conventions, Stats>;
}

const fixtures: { cases: Fixture[] } = JSON.parse(
  readFileSync(new URL('../reference/fixtures.json', import.meta.url), 'utf8'),
);

const RELATIVE_TOLERANCE = 1e-9;

/** The fixtures keep backtesting.py's trade return, a fraction; Trade.returnPct is a percent. */
function asPercent(trade: Trade): Trade {
  return { ...trade, returnPct: trade.returnPct * 100 };
}

function mismatch(key: string, actual: unknown, expected: unknown): string | null {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(expected), Math.abs(actual));
    return Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale
      ? null
      : `${key}: ${actual} != ${expected} (relative ${Math.abs(actual - expected) / scale})`;
  }
  return Object.is(actual, expected) ? null : `${key}: ${String(actual)} != ${String(expected)}`;
}

const PROFILES: Conventions[] = ['backtesting.py', 'hindsight'];

describe('computeStats against the Python reference fixtures', () => {
  it('covers every kind of timeline the brief names', () => {
    const bases = new Set(
      fixtures.cases.map((c) => {
        const conv = c.expected.hindsight.conventions;
        return `${conv.periodsPerYear}/${conv.returnBasis}/${conv.durationUnit}`;
      }),
    );
    expect([...bases].sort()).toEqual(
      expect.arrayContaining(['252/day/day', '365/day/day', '252/day/hour', '12/month/day']),
    );
  });

  for (const fixture of fixtures.cases) {
    for (const profile of PROFILES) {
      it(`${fixture.name} (${profile}): ${fixture.description}`, () => {
        const { input } = fixture;
        const stats = computeStats({
          time: Float64Array.from(input.time),
          equity: Float64Array.from(input.equity),
          close: Float64Array.from(input.close),
          trades: input.trades.map(asPercent),
          openTrades: input.openTrades.map(asPercent),
          warmup: input.warmup,
          conventions: profile,
        });
        const expected = fixture.expected[profile];
        expect(Object.keys(stats).sort()).toEqual(Object.keys(expected).sort());
        const problems = Object.keys(expected)
          .filter((key) => key !== 'conventions')
          .map((key) => mismatch(key, stats[key as keyof Stats], expected[key as keyof Stats]))
          .filter((p) => p !== null);
        expect(problems, problems.join('\n')).toEqual([]);
        expect(stats.conventions).toEqual(expected.conventions);
        expect([...Value.Errors(StatsSchema, stats)]).toEqual([]);
      });
    }
  }
});
