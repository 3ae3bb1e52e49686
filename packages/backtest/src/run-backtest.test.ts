import { fileURLToPath } from 'node:url';
import {
  getStrategy,
  requireColumns,
  resolveParams,
  type SimulationConfig,
  STRATEGY_NAMES,
  simulationConfig,
} from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { runColumns, runPrepared } from './run-backtest.js';

const GOOG = fileURLToPath(new URL('../../../fixtures/market-data/GOOG.csv', import.meta.url));

/** Parameters for strategies that have no usable defaults. */
const PARAMS: Record<string, Record<string, unknown>> = {
  rules: { entry: 'close > sma(close, 20) and volume > sma(volume, 20)', exit: 'close < low[1]' },
};

const CONFIGS: Record<string, SimulationConfig> = {
  'next-open fills': simulationConfig(),
  'stops and fills at the close': simulationConfig({
    fill: 'close',
    stopLossPct: 2,
    takeProfitPct: 4,
  }),
  'backtesting.py, finalized': simulationConfig({
    conventions: 'backtesting.py',
    commission: 0.002,
    finalizeTrades: true,
  }),
};

describe('a run on only the bar columns it reads (runColumns)', async () => {
  const whole = await readCsvFile(GOOG);
  const cases = STRATEGY_NAMES.flatMap((name) =>
    Object.entries(CONFIGS).map(([label, config]) => ({ name, label, config })),
  );

  it.each(cases)(
    '$name, $label: the result of whole bars, bit for bit',
    async ({ name, config }) => {
      const prepared = {
        strategy: getStrategy(name),
        params: resolveParams(name, PARAMS[name] ?? {}) as Record<string, unknown>,
        simulation: config,
      };
      const columns = runColumns(prepared);
      const bars = requireColumns(await readCsvFile(GOOG, { keep: columns }), columns);
      const pruned = runPrepared(prepared, [{ symbol: 'GOOG', bars }], { keepCash: false });
      const full = runPrepared(prepared, [{ symbol: 'GOOG', bars: whole }]);
      const { trades, openTrades } = full.simulation;
      expect(trades.length + openTrades.length, 'trades to compare').toBeGreaterThan(0);
      expect(pruned).toEqual({ ...full, simulation: { ...full.simulation, cash: null } });
      expect(Buffer.from(pruned.simulation.equity.buffer)).toEqual(
        Buffer.from(full.simulation.equity.buffer),
      );
    },
  );

  it('leaves out what a close-only run without stops never reads', () => {
    const prepared = {
      strategy: getStrategy('sma_crossover'),
      params: resolveParams('sma_crossover', {}) as Record<string, unknown>,
      simulation: simulationConfig(),
    };
    expect(runColumns(prepared)).toEqual(['open', 'close']);
    const stops = { ...prepared, simulation: simulationConfig({ stopLossPct: 5 }) };
    expect(runColumns(stops)).toEqual(['open', 'high', 'low', 'close']);
  });
});
