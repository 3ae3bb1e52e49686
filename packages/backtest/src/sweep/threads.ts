import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type Bars, getStrategy, type SimulationConfig } from '@hindsight/engine';
import type { WalkForwardReport, WalkForwardSpec } from '@hindsight/models';
import type { SweepCombo } from './grid.js';
import type { SweepCell } from './run-chunk.js';
import type { SweepObjective } from './summarize.js';
import {
  barsPerCombination,
  checkWalkForward,
  walkForwardReport,
  walkForwardWindows,
} from './walk-forward/index.js';

/** What every thread of a sweep gets once: the strategy by name (code does not cross threads). */
export interface SweepThreadData {
  strategy: string;
  symbols: ReadonlyArray<{ symbol: string; bars: Bars }>;
  simulation: SimulationConfig;
  /**
   * Set: the thread scores each batch on these walk-forward windows' in-sample runs
   * (scoreInSample) instead of running it over all the bars (runSweepChunk).
   */
  inSample?: { spec: WalkForwardSpec; key: SweepObjective['key'] };
}

interface ThreadRun {
  data: SweepThreadData;
  combos: readonly SweepCombo[];
  threads: number;
  /** Bars one combination simulates: sizes the batches. */
  barsPerCombo: number;
  onProgress?: ((done: number) => void) | undefined;
}

/**
 * Bars x combinations per batch a thread is handed: a few tens of milliseconds of work, so
 * progress moves often and a slow batch at the end leaves the other threads little to wait for.
 */
const BATCH_BARS = 100_000;

/**
 * Beside this file, with its extension: sweep-thread.ts from the sources (tsx, vitest),
 * sweep-thread.js from the package build or a bundle that emits it next to this code
 * (apps/cli/scripts/build.ts).
 */
const SOURCE_EXTENSION = extname(fileURLToPath(import.meta.url));
const THREAD_ENTRY = new URL(`./sweep-thread${SOURCE_EXTENSION}`, import.meta.url);

/**
 * Node 20 worker threads do not inherit tsx's loader from the process that starts them, so a
 * thread started from the TypeScript sources registers it itself (as the worker's sandbox does).
 */
function threadExecArgv(): string[] | undefined {
  if (SOURCE_EXTENSION !== '.ts') return undefined;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return [
    '--conditions=source',
    '--import',
    `data:text/javascript,import { register } from ${tsx}; register();`,
  ];
}

/** One thread per core the process may use. */
export function defaultSweepThreads(): number {
  return availableParallelism();
}

/**
 * Runs a sweep's combinations on `threads` worker threads of this process, each through
 * runSweepChunk (the worker's chunk code), handing out small batches to whichever thread is free.
 * The cells come back in the order of `combos` and equal, bit for bit, what one thread or a
 * standalone backtest computes: each combination runs alone on the same bars.
 * @throws the first error a thread dies of; every thread is stopped first.
 */
export async function runSweepThreads(
  input: SweepThreadData & {
    combos: readonly SweepCombo[];
    threads: number;
    /** After each batch: how many combinations have finished. */
    onProgress?: (done: number) => void;
  },
): Promise<SweepCell[]> {
  const { strategy, symbols, simulation } = input;
  const results = await runOnThreads<SweepCell[]>({
    data: { strategy, symbols, simulation },
    combos: input.combos,
    threads: input.threads,
    barsPerCombo: symbols.reduce((sum, s) => sum + s.bars.length, 0),
    onProgress: input.onProgress,
  });
  return results.flat();
}

/**
 * A walk-forward analysis as runWalkForward computes it, its in-sample scoring (every combination
 * on every fold's in-sample window: the part that grows with the grid) spread over `threads`
 * worker threads through scoreInSample, then the choices, out-of-sample runs and stitching on
 * this thread through walkForwardReport. Equal to runWalkForward, bit for bit: each combination
 * is scored alone on the same bars, wherever it runs.
 * @throws WalkForwardError (checkWalkForward, before any thread starts; or a fold without a
 *   candidate); the first error a thread dies of.
 */
export async function runWalkForwardThreads(
  input: SweepThreadData & {
    combos: readonly SweepCombo[];
    spec: WalkForwardSpec;
    objective: SweepObjective;
    threads: number;
    /** After each batch: how many combinations have been scored on every fold. */
    onProgress?: (done: number) => void;
  },
): Promise<WalkForwardReport> {
  const { strategy, symbols, simulation, combos, spec, objective } = input;
  const definition = getStrategy(strategy);
  checkWalkForward({ strategy: definition, symbols, combos, spec });
  const windows = walkForwardWindows(symbols[0]!.bars.length, spec);
  const batches = await runOnThreads<Float64Array[]>({
    data: { strategy, symbols, simulation, inSample: { spec, key: objective.key } },
    combos,
    threads: input.threads,
    // A combination's signals over every bar, then one run per in-sample window.
    barsPerCombo: symbols.length * barsPerCombination(symbols[0]!.bars.length, spec),
    onProgress: input.onProgress,
  });
  const scores = windows.folds.map((fold) => {
    const all = new Float64Array(combos.length);
    let offset = 0;
    for (const batch of batches) {
      all.set(batch[fold.fold]!, offset);
      offset += batch[fold.fold]!.length;
    }
    return all;
  });
  return walkForwardReport(
    { strategy: definition, symbols, simulation, combos, spec, objective },
    scores,
  );
}

/** Batches of `combos` over a pool of threads; each batch's answer, in the order of the batches. */
async function runOnThreads<Answer>(run: ThreadRun): Promise<Answer[]> {
  const { combos } = run;
  if (combos.length === 0) return [];
  const threads = Math.max(1, Math.min(run.threads, combos.length));
  const batchSize = Math.max(
    1,
    Math.min(
      Math.floor(BATCH_BARS / Math.max(1, run.barsPerCombo)),
      Math.ceil(combos.length / (threads * 4)),
    ),
  );
  const batches: SweepCombo[][] = [];
  for (let i = 0; i < combos.length; i += batchSize) batches.push(combos.slice(i, i + batchSize));

  const workers = Array.from(
    { length: threads },
    () => new Worker(THREAD_ENTRY, { workerData: run.data, execArgv: threadExecArgv() }),
  );
  const results: Answer[] = [];
  let done = 0;
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let current = -1;
            const handOut = () => {
              if (next >= batches.length) {
                resolve();
                return;
              }
              current = next++;
              worker.postMessage(batches[current]);
            };
            worker.on('message', (answer: Answer) => {
              results[current] = answer;
              done += batches[current]!.length;
              run.onProgress?.(done);
              handOut();
            });
            worker.once('error', reject);
            worker.once('exit', (code) =>
              reject(new Error(`a sweep thread exited (code ${code}) before its batch was done`)),
            );
            handOut();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}
