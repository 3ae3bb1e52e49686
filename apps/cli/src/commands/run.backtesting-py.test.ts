import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  loadOracleCases,
  type OracleCase,
  onePerSeriesAndStrategy,
  oracleMismatches,
  REPOSITORY_ROOT,
} from '@hindsight/backtest/testing';
import { describe, expect, it } from 'vitest';

/**
 * `hindsight run --conventions backtesting.py` as a user runs it - a child process of the real CLI
 * on a CSV file - against backtesting.py 0.6.6 itself (fixtures/oracle/cases.json, written by
 * tools/oracle/make_cases.py from the real library). packages/backtest checks every case
 * in-process; here one case of each series and strategy, with commission, goes through the CLI.
 */
const run = promisify(execFile);

function cliArgs(c: OracleCase): string[] {
  return [
    'run',
    '--data',
    c.data,
    '--strategy',
    c.strategy,
    ...Object.entries(c.params).flatMap(([key, value]) => ['--param', `${key}=${value}`]),
    '--cash',
    String(c.cash),
    '--commission',
    String(c.commission),
    ...(c.finalizeTrades ? ['--finalize-trades'] : []),
    '--conventions',
    'backtesting.py',
    '--json',
  ];
}

interface CliReport {
  stats: Record<string, unknown>;
  trades: Array<Record<string, unknown>>;
  equity: number[];
}

const cases = onePerSeriesAndStrategy(loadOracleCases(), (c) => c.commission > 0);

describe('hindsight run --conventions backtesting.py against backtesting.py 0.6.6', () => {
  it('runs a case of every series and strategy', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const oracle of cases) {
    it.concurrent(oracle.name, { timeout: 120_000 }, async () => {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', '--conditions=source', 'apps/cli/src/main.ts', ...cliArgs(oracle)],
        { cwd: REPOSITORY_ROOT, maxBuffer: 256 * 1024 * 1024 },
      );
      const report = JSON.parse(stdout) as CliReport;
      const problems = oracleMismatches(oracle, {
        stats: report.stats,
        trades: report.trades,
        equity: report.equity,
      });
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }
});
