/**
 * The entry of a runSweepThreads or runWalkForwardThreads thread: the sweep's bars and simulation
 * arrive once as workerData, then batches of combinations as messages, each answered with its
 * cells from runSweepChunk - the worker's chunk code, so a cell is the same on any thread - or,
 * for a walk-forward analysis, with its in-sample scores from scoreInSample (runWalkForward's).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getStrategy } from '@hindsight/engine';
import type { SweepCombo } from './grid.js';
import { prepareSweepSymbols, runSweepChunk, sweepIndicators } from './run-chunk.js';
import type { SweepThreadData } from './threads.js';
import { scoreInSample } from './walk-forward/index.js';

const { strategy, symbols, simulation, inSample } = workerData as SweepThreadData;
const definition = getStrategy(strategy);

/** What a batch is answered with; the bars prepared once for all the batches of the thread. */
function answerer(): (combos: SweepCombo[]) => unknown {
  if (inSample !== undefined) {
    const indicators = sweepIndicators(symbols);
    return (combos) =>
      scoreInSample({ strategy: definition, symbols, simulation, indicators, ...inSample }, combos);
  }
  const bars = prepareSweepSymbols(symbols);
  return (combos) => runSweepChunk({ strategy: definition, bars, simulation, combos });
}
const answer = answerer();

parentPort!.on('message', (combos: SweepCombo[]) => {
  parentPort!.postMessage(answer(combos));
});
