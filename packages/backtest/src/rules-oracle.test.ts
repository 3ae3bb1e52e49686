import { join } from 'node:path';
import { simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import {
  loadOracleCases,
  type OracleCase,
  oracleMismatches,
  REPOSITORY_ROOT,
} from './oracle-cases.js';
import { runBacktest } from './run-backtest.js';

/**
 * The SmaCross and RSI strategies the oracle cases ran in backtesting.py (tools/oracle/make_cases.py),
 * written in the rule language; the fixtures hold what backtesting.py 0.6.6 itself made of them.
 */
function asRules(oracle: OracleCase): Record<string, unknown> {
  const params = oracle.params as Record<string, number>;
  if (oracle.strategy === 'sma_crossover') {
    return {
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: params.fast,
      slow: params.slow,
    };
  }
  return {
    entry: 'rsi(close, $period) < $lower',
    exit: 'rsi(close, $period) > $upper',
    period: params.period,
    lower: params.lower,
    upper: params.upper,
  };
}

const cases = loadOracleCases().filter((c) =>
  ['sma_crossover', 'rsi_mean_reversion'].includes(c.strategy),
);

describe('rules written as SmaCross and the RSI strategy against backtesting.py 0.6.6 (fixtures/oracle)', () => {
  it('covers both strategies on real and synthetic series', () => {
    expect(cases.filter((c) => c.strategy === 'rsi_mean_reversion').length).toBeGreaterThanOrEqual(
      10,
    );
    expect(new Set(cases.map((c) => c.data)).size).toBeGreaterThanOrEqual(10);
  });

  for (const oracle of cases) {
    it(oracle.name, async () => {
      const bars = await readCsvFile(join(REPOSITORY_ROOT, oracle.data));
      const { stats, simulation } = runBacktest({
        symbols: [{ symbol: 'X', bars }],
        strategy: 'rules',
        params: asRules(oracle),
        config: simulationConfig({
          cash: oracle.cash,
          commission: oracle.commission,
          finalizeTrades: oracle.finalizeTrades,
          conventions: 'backtesting.py',
        }),
      });
      const problems = oracleMismatches(oracle, {
        stats: stats as unknown as Record<string, unknown>,
        trades: simulation.trades as unknown as Record<string, unknown>[],
        equity: simulation.equity,
      });
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }
});
