/**
 * The entry of a runSweepThreads thread: the sweep's bars and simulation arrive once as
 * workerData (prepared once: prepareSweepSymbols), then batches of combinations as messages, each answered with its cells from
 * runSweepChunk - the worker's chunk code, so a cell is the same on any thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getStrategy } from '@hindsight/engine';
import type { SweepCombo } from './grid.js';
import { prepareSweepSymbols, runSweepChunk } from './run-chunk.js';
import type { SweepThreadData } from './threads.js';

const { strategy, symbols, simulation } = workerData as SweepThreadData;
const definition = getStrategy(strategy);
const bars = prepareSweepSymbols(symbols);

parentPort!.on('message', (combos: SweepCombo[]) => {
  parentPort!.postMessage(runSweepChunk({ strategy: definition, bars, simulation, combos }));
});
