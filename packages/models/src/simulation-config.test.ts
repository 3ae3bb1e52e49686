import { simulationConfig } from '@hindsight/engine';
import { describe, expect, it } from 'vitest';
import { parseBacktestRequest } from './parse-backtest-request.js';
import { toSimulationConfig } from './simulation-config.js';

const body = {
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
};

describe('toSimulationConfig', () => {
  it('gives the engine null for an absent stop and target', () => {
    const config = toSimulationConfig(parseBacktestRequest(body));
    expect(config).toEqual(simulationConfig({ commission: 0.001 }));
  });

  it('passes a stop and target through', () => {
    const config = toSimulationConfig(
      parseBacktestRequest({ ...body, stopLossPct: 5, takeProfitPct: 20 }),
    );
    expect([config.stopLossPct, config.takeProfitPct]).toEqual([5, 20]);
  });
});
