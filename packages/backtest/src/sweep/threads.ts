import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Bars, SimulationConfig } from '@hindsight/engine';
import type { SweepCombo } from './grid.js';
import type { SweepCell } from './run-chunk.js';

/** What every thread of a sweep gets once: the strategy by name (code does not cross threads). */
export interface SweepThreadData {
  strategy: string;
  symbols: ReadonlyArray<{ symbol: string; bars: Bars }>;
  simulation: SimulationConfig;
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
  const { combos } = input;
  if (combos.length === 0) return [];
  const bars = input.symbols.reduce((sum, s) => sum + s.bars.length, 0);
  const threads = Math.max(1, Math.min(input.threads, combos.length));
  const batchSize = Math.max(
    1,
    Math.min(Math.floor(BATCH_BARS / Math.max(1, bars)), Math.ceil(combos.length / (threads * 4))),
  );
  const batches: SweepCombo[][] = [];
  for (let i = 0; i < combos.length; i += batchSize) batches.push(combos.slice(i, i + batchSize));

  const data: SweepThreadData = {
    strategy: input.strategy,
    symbols: input.symbols,
    simulation: input.simulation,
  };
  const workers = Array.from(
    { length: threads },
    () => new Worker(THREAD_ENTRY, { workerData: data, execArgv: threadExecArgv() }),
  );
  const results: SweepCell[][] = [];
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
            worker.on('message', (cells: SweepCell[]) => {
              results[current] = cells;
              done += cells.length;
              input.onProgress?.(done);
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
  return results.flat();
}
