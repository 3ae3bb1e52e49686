import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TABLES, withStatsTables } from '../scripts/stats-docs.js';
import { StatsConventionsSchema, StatsSchema } from '../src/stats-schema.js';

const page = readFileSync(new URL('../../../docs/statistics.md', import.meta.url), 'utf8');

/** The first column's keys of the table between `marks`, as the page has them. */
function keysOf(marks: { begin: string; end: string }): string[] {
  const body = page.slice(page.indexOf(marks.begin), page.indexOf(marks.end));
  return [...body.matchAll(/^\| `(\w+)`/gm)].map((match) => match[1]!);
}

describe('docs/statistics.md', () => {
  it('lists exactly the statistics of StatsSchema, in its order', () => {
    const keys = Object.keys(StatsSchema.properties).filter((key) => key !== 'conventions');
    expect(keysOf(TABLES.statistics)).toEqual(keys);
  });

  it('lists exactly the fields of StatsConventionsSchema', () => {
    expect(keysOf(TABLES.conventions)).toEqual(Object.keys(StatsConventionsSchema.properties));
  });

  it('has the tables the schemas render now (else run pnpm docs:stats)', () => {
    expect(withStatsTables(page) === page, 'docs/statistics.md is stale: run pnpm docs:stats').toBe(
      true,
    );
  });
});
