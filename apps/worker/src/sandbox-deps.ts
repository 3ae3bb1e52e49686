import { workerData } from 'node:worker_threads';
import { type Config, createLogger } from '@hindsight/service';
import { createWorkerDeps, type WorkerDeps } from './deps.js';

/** What the worker hands each simulation thread (structured-cloned into `workerData`). */
export interface SandboxData {
  config: Config;
  redisUrl: string;
  /** Shortest time between two progress events of a run. */
  progressIntervalMs: number;
  /** Where the thread announces the backtests it ends (see ended-channel.ts). */
  endedChannel: string;
}

export function sandboxData(): SandboxData {
  return workerData as SandboxData;
}

let deps: Promise<WorkerDeps> | undefined;

/**
 * The store, Redis connection and market-data cache of this simulation thread, opened on its
 * first job and kept for the next ones: BullMQ reuses a thread for many jobs and terminates it
 * when the worker closes.
 */
export function sandboxDeps(): Promise<WorkerDeps> {
  if (!deps) {
    const { config, redisUrl, endedChannel } = sandboxData();
    const logger = createLogger({
      level: config.LOG_LEVEL,
      name: 'worker',
      bindings: { thread: 'simulation' },
    });
    deps = createWorkerDeps(config, redisUrl, logger, endedChannel);
    deps.catch(() => {
      deps = undefined;
    });
  }
  return deps;
}
