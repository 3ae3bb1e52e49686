import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backtestJobIds,
  isJobName,
  JOBS,
  type JobsOfQueue,
  parseJobPayload,
  QUEUE_NAMES,
  type QueueHandlers,
  type QueueName,
} from '@hindsight/models';
import {
  type Config,
  createQueues,
  type Logger,
  removeAbandonedPartialWrites,
} from '@hindsight/service';
import { type Job, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { createWorkerDeps, type WorkerDeps } from './deps.js';
import { endedChannelName, onEnded } from './ended-channel.js';
import type { JobContext } from './job-context.js';
import { indicatorsHandlers } from './processors/indicators.js';
import { marketDataHandlers } from './processors/market-data.js';
import { notificationsHandlers } from './processors/notifications.js';
import { sweepsHandlers } from './processors/sweeps.js';
import { MAX_STALLS, type Reconciler, startReconciler } from './reconcile.js';
import { HAND_BACK_REASON } from './run-step.js';
import type { SandboxData } from './sandbox-deps.js';
import { WorkerTelemetry } from './telemetry.js';

export interface StartWorkersOptions {
  config: Config;
  redisUrl: string;
  logger: Logger;
  /** Shortest time between two progress events of a simulation; default 100 (ten a second). */
  progressIntervalMs?: number;
  /** Per-queue overrides of the Worker options (tests shorten lockDuration and stalledInterval). */
  workerOptions?: { [Q in QueueName]?: WorkerOverrides };
}

type WorkerOverrides = Partial<Omit<WorkerOptions, 'connection' | 'prefix'>>;

export interface RunningWorkers {
  workers: Record<QueueName, Worker>;
  deps: WorkerDeps;
  metrics: WorkerTelemetry;
  /** Brings back active backtests whose jobs Redis lost; its first pass runs at start. */
  reconciler: Reconciler;
  /**
   * Stops taking jobs and waits for the ones in progress, then closes every connection. With
   * `graceMs`, jobs still running after that long are handed back to their queues (their
   * backtests queued again) for the next worker, so a stop takes about that long at most.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

type InProcessQueue = Exclude<QueueName, 'simulation'>;

/**
 * This file's own extension tells whether the worker runs from TypeScript source (tsx in dev and
 * tests) or from the build; the simulation processor beside it has the same one.
 */
const SOURCE_EXTENSION = extname(fileURLToPath(import.meta.url));
const SIMULATION_PROCESSOR = fileURLToPath(
  new URL(`./processors/simulation${SOURCE_EXTENSION}`, import.meta.url),
);

/**
 * Node 20 worker threads do not inherit tsx's loader from the process that starts them, so a
 * TypeScript processor needs tsx registered inside the thread before BullMQ imports it.
 */
function sandboxExecArgv(): string[] | undefined {
  // A process profiled with --cpu-prof profiles its simulation threads too.
  const profiling = process.execArgv.filter((arg) => arg.startsWith('--cpu-prof'));
  if (SOURCE_EXTENSION !== '.ts') return profiling.length > 0 ? profiling : undefined;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return [
    ...profiling,
    '--conditions=source',
    '--import',
    `data:text/javascript,import { register } from ${tsx}; register();`,
  ];
}

/** A BullMQ processor running the catalogue's handlers of one queue in this process. */
function processorFor<Q extends InProcessQueue>(
  queue: Q,
  handlers: QueueHandlers<Q, JobContext>,
  logger: Logger,
) {
  // Three parameters: BullMQ passes an AbortSignal only to a processor that declares it.
  return async (job: Job, token: string | undefined, signal: AbortSignal | undefined) => {
    const name = job.name;
    if (!isJobName(name) || JOBS[name].queue !== queue) {
      throw new UnrecoverableError(`queue ${queue} has no job '${name}'`);
    }
    let payload: { backtestId?: string; sweepId?: string };
    try {
      payload = parseJobPayload(name, job.data);
    } catch (error) {
      throw new UnrecoverableError(`bad ${name} payload: ${(error as Error).message}`);
    }
    const log = logger.child({
      queue,
      jobId: job.id,
      ...(payload.sweepId === undefined
        ? { backtestId: payload.backtestId }
        : { sweepId: payload.sweepId }),
    });
    const handler = handlers[name as JobsOfQueue<Q>] as (
      payload: unknown,
      context: JobContext,
    ) => Promise<unknown>;
    return handler(payload, { job, signal, token, log });
  };
}

/**
 * One BullMQ Worker per queue of the catalogue, WORKER_CONCURRENCY jobs each; the simulation
 * queue's processor runs sandboxed in worker threads. A cancel request reaches the worker that
 * holds the backtest's job and aborts that job's signal.
 */
export async function startWorkers(options: StartWorkersOptions): Promise<RunningWorkers> {
  const { config, redisUrl, logger } = options;
  const endedChannel = endedChannelName();
  const deps = await createWorkerDeps(config, redisUrl, logger, endedChannel);
  // Before taking jobs: a worker killed while saving left a half-written result directory.
  const partials = await removeAbandonedPartialWrites(config.DATA_ROOT).catch((error) => {
    logger.warn({ err: error }, 'could not remove abandoned partial results');
    return [];
  });
  if (partials.length > 0) logger.info({ removed: partials }, 'removed abandoned partial results');
  const metrics = new WorkerTelemetry({ store: deps.store });
  // Each backtest this worker's threads end, counted once (the api's endings arrive as
  // backtest-finished jobs on the notifications queue). Not logged again here: the job that
  // ended it has already logged the ending, with its job id.
  const stopCounting = onEnded(endedChannel, ({ backtestId, status }) => {
    deps.store
      .getBacktest(backtestId)
      .then((record) => metrics.backtestFinished(status, record))
      .catch((error) => logger.warn({ err: error, backtestId }, 'ended backtest not counted'));
  });
  const base: WorkerOptions = {
    connection: deps.redis,
    prefix: config.QUEUE_PREFIX,
    concurrency: config.WORKER_CONCURRENCY,
    maxStalledCount: MAX_STALLS,
  };
  const inProcess = {
    'market-data': marketDataHandlers(deps),
    indicators: indicatorsHandlers(deps),
    notifications: notificationsHandlers(deps, metrics),
    sweeps: sweepsHandlers(deps),
  } satisfies { [Q in InProcessQueue]: QueueHandlers<Q, JobContext> };
  const sandboxData: SandboxData = {
    config,
    redisUrl,
    progressIntervalMs: options.progressIntervalMs ?? 100,
    endedChannel,
  };
  const workers = Object.fromEntries(
    QUEUE_NAMES.map((queue) => {
      const settings = { ...base, ...options.workerOptions?.[queue] };
      const worker =
        queue === 'simulation'
          ? new Worker(queue, SIMULATION_PROCESSOR, {
              ...settings,
              useWorkerThreads: true,
              workerThreadsOptions: { workerData: sandboxData, execArgv: sandboxExecArgv() },
            })
          : new Worker(
              queue,
              processorFor(
                queue,
                inProcess[queue] as QueueHandlers<typeof queue, JobContext>,
                logger,
              ),
              settings,
            );
      watch(worker, queue, deps);
      metrics.watch(worker, queue);
      return [queue, worker];
    }),
  ) as Record<QueueName, Worker>;

  const stopListening = await deps.cancels.onCancel((backtestId) => {
    cancelRunningJobs(workers, deps, backtestId).catch((error) =>
      logger.warn({ err: error, backtestId }, 'could not forward a cancel'),
    );
  });

  const queues = createQueues(deps.redis, config.QUEUE_PREFIX);
  const reconciler = startReconciler({ ...deps, queues });

  let closing: Promise<void> | undefined;
  return {
    workers,
    deps,
    metrics,
    reconciler,
    close(options = {}) {
      closing ??= (async () => {
        stopListening();
        await reconciler.stop();
        const all = Object.values(workers);
        const handBack =
          options.graceMs === undefined
            ? undefined
            : setTimeout(() => {
                logger.info('handing the jobs still running back to their queues');
                for (const worker of all) worker.cancelAllJobs(HAND_BACK_REASON);
              }, options.graceMs);
        await Promise.allSettled(all.map((worker) => worker.close()));
        clearTimeout(handBack);
        await queues.close();
        await deps.close();
        stopCounting();
      })();
      return closing;
    },
  };
}

/** Aborts every job of the backtest this process holds; the others are not ours. */
async function cancelRunningJobs(
  workers: Record<QueueName, Worker>,
  deps: WorkerDeps,
  backtestId: string,
): Promise<void> {
  const reason = 'cancel requested';
  let cancelled = workers.simulation.cancelJob(backtestJobIds.simulation(backtestId), reason);
  const record = await deps.store.getBacktest(backtestId);
  for (const symbol of record?.config.symbols ?? []) {
    if (workers['market-data'].cancelJob(backtestJobIds.data(backtestId, symbol), reason)) {
      cancelled = true;
    }
    if (workers.indicators.cancelJob(backtestJobIds.indicators(backtestId, symbol), reason)) {
      cancelled = true;
    }
  }
  if (!cancelled) return;
  deps.logger.info({ backtestId }, 'cancel forwarded to the running job');
  // A simulation thread still starting (a fresh worker loads its modules for seconds) hears the
  // abort only once it runs; the backtest ends now, and the thread, finding it cancelled, stops.
  await deps.lifecycle.cancel(backtestId, reason);
}

/**
 * Logs a worker's failures and, as a safety net, ends a backtest whose job failed for good
 * without its processor saying so (a job stalled too often, a thread that died): otherwise its
 * record would stay `running` forever.
 */
function watch(worker: Worker, queue: QueueName, deps: WorkerDeps): void {
  const { logger, lifecycle } = deps;
  worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
  worker.on('failed', (job, error) => {
    if (!job) {
      logger.error({ err: error, queue }, 'job failed');
      return;
    }
    const backtestId = (job.data as { backtestId?: string } | undefined)?.backtestId;
    logger.warn({ queue, jobId: job.id, backtestId, reason: error.message }, 'job failed');
    if (!backtestId || queue === 'notifications') return;
    (async () => {
      if ((await job.getState()) !== 'failed') return;
      const ended = await lifecycle.fail(backtestId, {
        code: 'HS_ERR_INTERNAL',
        message: `the ${queue} job failed: ${error.message}`,
      });
      if (ended)
        logger.warn({ queue, jobId: job.id, backtestId }, 'backtest failed by the safety net');
    })().catch((failure) => logger.warn({ err: failure, backtestId }, 'safety net failed'));
  });
}
