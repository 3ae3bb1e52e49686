import { fileURLToPath } from 'node:url';
import { getStrategy, simulationConfig } from '@hindsight/engine';
import { readCsvFile } from '@hindsight/market-data';
import { describe, expect, it } from 'vitest';
import { planSweep } from './grid.js';
import { prepareSweepSymbols, runSweepChunk } from './run-chunk.js';
import { runSweepThreads } from './threads.js';

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
});
