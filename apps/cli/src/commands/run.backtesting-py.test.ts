import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

/**
 * `hindsight run --conventions backtesting.py` as a user runs it - a child process of the real CLI -
 * against tools/reference/cases.json. Every expected number there was computed by
 * tools/reference/bt_reference.py, an independent pure-Python reading of backtesting.py 0.6.6
 * (bar loop and broker from its source, statistics from packages/metrics/reference/) that first
 * reproduces backtesting.py's own published GOOG test values. Regenerate the cases with
 * `python3 tools/reference/bt_reference.py > tools/reference/cases.json`.
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);

/** The compat doc's bar: every number within a relative 1e-9 (absolute where it should be 0). */
const TOLERANCE = 1e-9;

type Stat = number | string | null;

interface ExpectedTrade {
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
  size: number;
  pnl: number;
  commission: number;
  returnPct: number;
}

interface ReferenceCase {
  name: string;
  description: string;
  args: string[];
  bars: number;
  stats: Record<string, Stat>;
  trades: ExpectedTrade[];
  openTrades: Array<Pick<ExpectedTrade, 'entryBar' | 'entryPrice' | 'size'>>;
  equity: Array<{ bar: number; equity: number }>;
}

interface CliReport {
  stats: Record<string, unknown>;
  trades: Array<Record<string, unknown>>;
  openTrades: Array<Record<string, unknown>>;
  equity: { time: number[]; values: number[] };
}

const { cases } = JSON.parse(
  readFileSync(new URL('../../../../tools/reference/cases.json', import.meta.url), 'utf8'),
) as { cases: ReferenceCase[] };

/** Counts, bar indices and unit sizes are integers in both programs: they must match exactly. */
const EXACT = new Set(['trades', 'entryBar', 'exitBar', 'size']);

function mismatch(label: string, key: string, actual: unknown, expected: Stat): string | null {
  if (expected === null || typeof expected === 'string' || EXACT.has(key)) {
    return actual === expected ? null : `${label}: CLI ${String(actual)}, reference ${expected}`;
  }
  if (typeof actual !== 'number') {
    return `${label}: CLI ${String(actual)}, reference ${expected}`;
  }
  const error =
    expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  return error <= TOLERANCE
    ? null
    : `${label}: CLI ${actual}, reference ${expected} (error ${error.toExponential(2)})`;
}

function compare(reference: ReferenceCase, report: CliReport): string[] {
  const problems: string[] = [];
  const note = (problem: string | null) => {
    if (problem !== null) problems.push(`${reference.name}: ${problem}`);
  };

  for (const [key, expected] of Object.entries(reference.stats)) {
    note(mismatch(`stats.${key}`, key, report.stats[key], expected));
  }

  note(mismatch('trades.length', 'trades', report.trades.length, reference.trades.length));
  reference.trades.forEach((expected, i) => {
    const actual = report.trades[i] ?? {};
    for (const [key, value] of Object.entries(expected)) {
      // The reference keeps backtesting.py's ReturnPct, a fraction; hindsight's is a percent.
      const inOurUnits = key === 'returnPct' ? value * 100 : value;
      note(mismatch(`trades[${i}].${key}`, key, actual[key], inOurUnits));
    }
  });

  note(
    mismatch('openTrades.length', 'trades', report.openTrades.length, reference.openTrades.length),
  );
  reference.openTrades.forEach((expected, i) => {
    const actual = report.openTrades[i] ?? {};
    for (const [key, value] of Object.entries(expected)) {
      note(mismatch(`openTrades[${i}].${key}`, key, actual[key], value));
    }
  });

  note(mismatch('equity.length', 'trades', report.equity.values.length, reference.bars));
  for (const { bar, equity } of reference.equity) {
    note(mismatch(`equity[${bar}]`, 'equity', report.equity.values[bar], equity));
  }
  return problems;
}

describe('hindsight run --conventions backtesting.py against the independent reference', () => {
  it('has reference cases to check', ({ expect }) => {
    expect(cases.length, 'tools/reference/cases.json lists no case').toBeGreaterThanOrEqual(7);
  });

  for (const reference of cases) {
    it.concurrent(reference.name, { timeout: 120_000 }, async ({ expect }) => {
      const { stdout } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=source',
          'apps/cli/src/main.ts',
          'run',
          ...reference.args,
        ],
        { cwd: repoRoot, maxBuffer: 256 * 1024 * 1024 },
      );
      const report = JSON.parse(stdout) as CliReport;
      expect(compare(reference, report), `${reference.name}: ${reference.description}`).toEqual([]);
    });
  }
});
