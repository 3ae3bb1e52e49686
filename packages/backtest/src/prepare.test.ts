import { parseBacktestRequest } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { engineErrorCode, engineRefusal, prepareBacktest } from './prepare.js';

const request = (overrides: Record<string, unknown> = {}) =>
  parseBacktestRequest({
    strategy: { name: 'sma_crossover', params: {} },
    symbols: ['GOOG'],
    timeframe: '1d',
    start: '2010-01-01',
    end: '2012-01-01',
    ...overrides,
  });

describe('prepareBacktest', () => {
  it('resolves the parameters once: defaults filled in the request that is stored', () => {
    const prepared = prepareBacktest(request());
    expect(prepared.params).toEqual(prepared.request.strategy.params);
    expect(Object.keys(prepared.params).length).toBeGreaterThan(0);
    expect(prepareBacktest(prepared.request).request).toEqual(prepared.request);
  });

  it('refuses settings the engine refuses, unless the request was prepared at submit', () => {
    const bad = request({ conventions: 'backtesting.py', slippageBps: 5 });
    expect(() => prepareBacktest(bad)).toThrow(
      expect.objectContaining({ name: 'SimulationConfigError' }),
    );
    expect(prepareBacktest(bad, { submitted: true }).simulation.slippageBps).toBe(5);
  });

  it('codes the engine errors in one place, for the api and the worker', () => {
    const unknown = request({ strategy: { name: 'no_such', params: {} } });
    let thrown: unknown;
    try {
      prepareBacktest(unknown);
    } catch (error) {
      thrown = error;
    }
    expect(engineErrorCode(thrown)).toBe('HS_ERR_UNKNOWN_STRATEGY');
    expect(engineRefusal(thrown, unknown)?.code).toBe('HS_ERR_UNKNOWN_STRATEGY');
    expect(engineErrorCode(new Error('other'))).toBeNull();
  });
});
