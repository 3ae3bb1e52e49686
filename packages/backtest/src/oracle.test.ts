import { join } from 'node:path';
import { simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { loadOracleCases, oracleMismatches, REPOSITORY_ROOT } from './oracle-cases.js';
import { runBacktest } from './run-backtest.js';

const cases = loadOracleCases();

describe('the backtesting.py profile against backtesting.py 0.6.6 itself (fixtures/oracle)', () => {
  it('has the cases the issue asks for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    const data = new Set(cases.map((c) => c.data));
    expect(data.size).toBeGreaterThanOrEqual(10);
    expect(cases.some((c) => c.trades.length === 0)).toBe(true);
    expect(cases.some((c) => c.trades.length === 1)).toBe(true);
    expect(cases.some((c) => c.finalizeTrades) && cases.some((c) => !c.finalizeTrades)).toBe(true);
    expect(cases.some((c) => c.commission === 0) && cases.some((c) => c.commission > 0)).toBe(true);
  });

  for (const oracle of cases) {
    it(oracle.name, async () => {
      const bars = await readCsvFile(join(REPOSITORY_ROOT, oracle.data));
      const { stats, simulation } = runBacktest({
        symbols: [{ symbol: 'X', bars }],
        strategy: oracle.strategy,
        params: oracle.params,
        config: simulationConfig({
          cash: oracle.cash,
          commission: oracle.commission,
          finalizeTrades: oracle.finalizeTrades,
          conventions: 'backtesting.py',
        }),
      });
      const report = {
        stats: stats as unknown as Record<string, unknown>,
        trades: simulation.trades as unknown as Record<string, unknown>[],
        equity: simulation.equity,
      };
      const problems = oracleMismatches(oracle, report);
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }
});
