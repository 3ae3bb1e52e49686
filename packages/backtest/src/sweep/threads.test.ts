import { fileURLToPath } from 'node:url';
import { getStrategy, simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { planSweep } from './grid.js';
import { prepareSweepSymbols, runSweepChunk } from './run-chunk.js';
import { runSweepThreads, runWalkForwardThreads } from './threads.js';
import { runWalkForward, WalkForwardError } from './walk-forward/index.js';

const GOOG = fileURLToPath(new URL('../../../../fixtures/market-data/GOOG.csv', import.meta.url));
const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);

// Threads started from the sources compile them again under tsx: seconds on a busy machine.
describe('runSweepThreads', { timeout: 60_000 }, async () => {
  const bars = await readCsvFile(GOOG);
  const simulation = simulationConfig({ commission: 0.002, conventions: 'backtesting.py' });
  const plan = planSweep({
    strategy: 'sma_crossover',
    params: {},
    grid: { fast: range(5, 50, 5), slow: range(10, 200, 10) },
  });
  const inProcess = runSweepChunk({
    strategy: getStrategy('sma_crossover'),
    bars: prepareSweepSymbols([{ symbol: 'GOOG', bars }]),
    simulation,
    combos: plan.runnable,
  });

  it.each([1, 2, 3])(
    'on %i threads: every cell as one in-process chunk, bit for bit, in order',
    async (threads) => {
      const progress: number[] = [];
      const cells = await runSweepThreads({
        strategy: 'sma_crossover',
        symbols: [{ symbol: 'GOOG', bars }],
        simulation,
        combos: plan.runnable,
        threads,
        onProgress: (done) => progress.push(done),
      });
      expect(cells).toStrictEqual(inProcess);
      expect(progress.at(-1)).toBe(plan.runnable.length);
      expect(progress, 'progress only grows').toEqual([...progress].sort((a, b) => a - b));
    },
  );

  it('a thread that dies fails the sweep with its error', async () => {
    await expect(
      runSweepThreads({
        strategy: 'no_such_strategy',
        symbols: [{ symbol: 'GOOG', bars }],
        simulation,
        combos: plan.runnable.slice(0, 3),
        threads: 2,
      }),
    ).rejects.toThrow(/no_such_strategy/);
  });

  it.each([
    [2, { folds: 5, mode: 'rolling', inSampleFraction: 0.75 }],
    [3, { folds: 4, mode: 'anchored', inSampleFraction: 0.6 }],
  ] as const)(
    'walk-forward on %i threads: the report of runWalkForward in one thread, bit for bit',
    async (threads, spec) => {
      const input = {
        symbols: [{ symbol: 'GOOG', bars }],
        simulation,
        combos: plan.runnable,
        spec,
        objective: { key: 'sharpeRatio', direction: 'max' } as const,
      };
      const progress: number[] = [];
      const report = await runWalkForwardThreads({
        ...input,
        strategy: 'sma_crossover',
        threads,
        onProgress: (done) => progress.push(done),
      });
      expect(report).toStrictEqual(
        await runWalkForward({ ...input, strategy: getStrategy('sma_crossover') }),
      );
      expect(progress.at(-1)).toBe(plan.runnable.length);
    },
  );

  it('walk-forward: a warm-up longer than the first in-sample window is refused before any thread starts', async () => {
    // O = floor(2148 * 0.5 / 10.5) = 102, I = 2148 - 2040 = 108: SMA(200) cannot warm up.
    await expect(
      runWalkForwardThreads({
        strategy: 'sma_crossover',
        symbols: [{ symbol: 'GOOG', bars }],
        simulation,
        combos: plan.runnable,
        spec: { folds: 20, mode: 'rolling', inSampleFraction: 0.5 },
        objective: { key: 'sharpeRatio', direction: 'max' },
        threads: 2,
      }),
    ).rejects.toThrow(WalkForwardError);
  });
});
