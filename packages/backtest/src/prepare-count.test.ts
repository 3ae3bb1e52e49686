import * as engine from '@hindsight/engine';
import { createBars } from '@hindsight/engine';
import { parseBacktestRequest } from '@hindsight/models';
import { describe, expect, it, vi } from 'vitest';
import { prepareBacktest } from './prepare.js';
import { runPrepared } from './run-backtest.js';

vi.mock('@hindsight/engine', async (original) => {
  const actual = await original<typeof import('@hindsight/engine')>();
  return {
    ...actual,
    resolveParams: vi.fn(actual.resolveParams),
    validateSimulationConfig: vi.fn(actual.validateSimulationConfig),
  };
});

describe('a cold submit of one symbol, as api and worker call the package', () => {
  it('resolves the parameters three times and checks the settings once before simulate', () => {
    const request = parseBacktestRequest({
      strategy: { name: 'sma_crossover', params: {} },
      symbols: ['X'],
      timeframe: '1d',
      start: '2010-01-01',
      end: '2012-01-01',
    });
    const length = 200;
    const close = Float64Array.from({ length }, (_, i) => 100 + Math.sin(i / 7) * 10);
    const bars = createBars({
      time: Float64Array.from({ length }, (_, i) => 1_262_304_000_000 + i * 86_400_000),
      open: close,
      high: close.map((c) => c + 1),
      low: close.map((c) => c - 1),
      close,
      volume: new Float64Array(length).fill(1000),
    });
    vi.mocked(engine.resolveParams).mockClear();
    vi.mocked(engine.validateSimulationConfig).mockClear();

    const stored = prepareBacktest(request).request; // the api, at submit
    prepareBacktest(stored, { submitted: true }); // compute-indicators
    const prepared = prepareBacktest(stored, { submitted: true }); // run-simulation
    const signals = prepared.strategy.signals(bars, prepared.params); // its warm-up check
    runPrepared(prepared, [{ symbol: 'X', bars, signals }]);

    expect(engine.resolveParams).toHaveBeenCalledTimes(3);
    // At submit only; simulate checks once more inside the engine (not counted by this mock).
    expect(engine.validateSimulationConfig).toHaveBeenCalledTimes(1);
  });
});
