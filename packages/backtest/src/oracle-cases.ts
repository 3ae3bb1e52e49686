import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The reference cases of the `backtesting.py` profile: the real backtesting.py 0.6.6, run by
 * tools/oracle/make_cases.py (the command is in fixtures/oracle/cases.json), on the series in
 * fixtures/. Shared by the tests that check the profile in-process, through the CLI and through
 * REST, so that all three hold the engine to the same numbers the same way.
 */
export interface OracleCase {
  name: string;
  description: string;
  /** The series, relative to the repository root. */
  data: string;
  strategy: string;
  params: Record<string, number>;
  cash: number;
  commission: number;
  finalizeTrades: boolean;
  /** Statistics under Hindsight's keys; durations in days, times ISO 8601 UTC, NaN as null. */
  stats: Record<string, number | string | null>;
  trades: OracleTrade[];
  /** backtesting.py's equity curve, one value a bar. */
  equity: number[];
}

export interface OracleTrade {
  size: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  commission: number;
  /** backtesting.py's ReturnPct: a fraction. */
  returnFraction: number;
  entryTime: string;
  exitTime: string;
}

/** What a Hindsight run reports, in whichever of its shapes: in-process, CLI JSON or REST. */
export interface RunReport {
  stats: Record<string, unknown>;
  trades: ReadonlyArray<Record<string, unknown>>;
  equity: ArrayLike<number>;
}

/** The repository root, where `OracleCase.data` paths start. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function loadOracleCases(): OracleCase[] {
  const file = new URL('../../../fixtures/oracle/cases.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: OracleCase[] }).cases;
}

/**
 * The first case of each series and strategy that `wanted` accepts: a sample across every kind of
 * data, for the paths too slow to take every case (a child process or a queued run each).
 */
export function onePerSeriesAndStrategy(
  cases: readonly OracleCase[],
  wanted: (c: OracleCase) => boolean,
): OracleCase[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    const key = `${c.data} ${c.strategy}`;
    if (!wanted(c) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The compat doc's bar: every number within a relative 1e-9 (absolute where it should be 0). */
export const ORACLE_TOLERANCE = 1e-9;

/** Counts, bar indices and whole-unit sizes are integers in both programs: equal or wrong. */
const EXACT = new Set(['trades', 'entryBar', 'exitBar', 'size']);

/**
 * Every difference between a Hindsight run and backtesting.py's, one line each (empty when they
 * agree): each statistic backtesting.py prints, each closed trade field by field, and the equity
 * of every bar. Trade times may be epoch ms or ISO strings; a trade's `returnPct` is a percent, as
 * everywhere in Hindsight (backtesting.py's ReturnPct is a fraction).
 */
export function oracleMismatches(expected: OracleCase, actual: RunReport): string[] {
  const problems: string[] = [];
  const note = (label: string, key: string, got: unknown, want: unknown) => {
    const problem = mismatch(key, got, want);
    if (problem !== null) problems.push(`${label}: ${problem}`);
  };
  for (const [key, want] of Object.entries(expected.stats)) {
    note(`stats.${key}`, key, actual.stats[key], want);
  }
  note('trades.length', 'trades', actual.trades.length, expected.trades.length);
  expected.trades.forEach((want, i) => {
    const got = actual.trades[i] ?? {};
    for (const [key, value] of Object.entries(want)) {
      const label = `trades[${i}].${key}`;
      if (key === 'returnFraction') note(label, key, got.returnPct, (value as number) * 100);
      else if (key === 'entryTime' || key === 'exitTime')
        note(label, key, isoTime(got[key]), value);
      else note(label, key, got[key], value);
    }
  });
  note('equity.length', 'trades', actual.equity.length, expected.equity.length);
  for (let i = 0; i < expected.equity.length && problems.length < 50; i++) {
    note(`equity[${i}]`, 'equity', actual.equity[i], expected.equity[i]);
  }
  return problems;
}

function mismatch(key: string, got: unknown, want: unknown): string | null {
  if (want === null || typeof want === 'string' || EXACT.has(key)) {
    return got === want ? null : `${String(got)}, backtesting.py ${String(want)}`;
  }
  if (typeof got !== 'number' || typeof want !== 'number') {
    return `${String(got)}, backtesting.py ${String(want)}`;
  }
  const error = want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
  return error <= ORACLE_TOLERANCE
    ? null
    : `${got}, backtesting.py ${want} (error ${error.toExponential(2)})`;
}

function isoTime(value: unknown): unknown {
  return typeof value === 'number' ? new Date(value).toISOString() : value;
}
