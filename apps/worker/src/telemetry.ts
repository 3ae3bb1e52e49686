import type { BacktestRecord, QueueName, TerminalStatus } from '@hindsight/models';
import type { Store } from '@hindsight/store';
import {
  BacktestRunTracker,
  createRegistry,
  type JobOutcome,
  type Telemetry,
} from '@hindsight/telemetry';
import type { Job, Worker } from 'bullmq';
import type { Registry } from 'prom-client';

export interface WorkerMetricsOptions {
  /**
   * Where a step's backtest is read to learn when it started running, so the oldest-active gauge
   * shows a backtest's whole run across its steps. Without it, a step counts from its own start.
   */
  store?: Pick<Store, 'getBacktest'>;
  /** This process's `service_instance_id`; default `<hostname>-<pid>`. */
  instance?: string;
}

/** The label a backtest gets when its record was deleted before it could be read. */
export const UNKNOWN_STRATEGY = 'unknown';

function backtestIdOf(job: Job): string | null {
  const id = (job.data as { backtestId?: unknown } | undefined)?.backtestId;
  return typeof id === 'string' ? id : null;
}

/**
 * A worker process's metrics, all from the telemetry catalogue: the jobs it finished, the steps
 * it is executing (`backtest_active` and the oldest one's start, for the 30-minute alert) and,
 * once per terminal backtest however many processes there are, the outcome and phase durations
 * of each backtest: counted by the worker whose transition ended it (ended-channel.ts), or from
 * the `backtest-finished` notification the api queues for those it ends itself. Everything is driven from the
 * main thread: a sandboxed simulation thread's own registry would never be scraped.
 */
export class WorkerTelemetry {
  readonly telemetry: Telemetry<'worker'>;
  readonly tracker: BacktestRunTracker;
  readonly #store: Pick<Store, 'getBacktest'> | undefined;

  constructor(options: WorkerMetricsOptions = {}) {
    this.telemetry = createRegistry({ service: 'worker', instance: options.instance });
    this.tracker = new BacktestRunTracker(this.telemetry.metrics);
    this.#store = options.store;
  }

  /** Serve it with `startMetricsServer` from @hindsight/telemetry. */
  get registry(): Registry {
    return this.telemetry.registry;
  }

  /**
   * Counts a backtest that reached `status`, and observes its queue wait and run time when the
   * record (null once deleted) says when it started.
   */
  backtestFinished(status: TerminalStatus, record: BacktestRecord | null): void {
    const strategy = record?.config.strategy.name ?? UNKNOWN_STRATEGY;
    if (record?.startedAt) {
      this.tracker.started({ strategy, createdAt: record.createdAt, startedAt: record.startedAt });
    }
    this.tracker.finished({
      strategy,
      status,
      startedAt: record?.startedAt ?? null,
      finishedAt: record?.finishedAt ?? Date.now(),
    });
  }

  /** Counts every job the worker finishes and, for a backtest step, tracks it while it runs. */
  watch(worker: Worker, queue: QueueName): void {
    const { workerJobsTotal, workerJobDurationSeconds } = this.telemetry.metrics;
    const tracksSteps = queue !== 'notifications';
    /** Steps whose start is being read, and those that ended before the read came back. */
    const reading = new Set<string>();
    const endedWhileReading = new Set<string>();
    const running = new Map<string, () => void>();

    worker.on('active', (job) => {
      const backtestId = backtestIdOf(job);
      if (!tracksSteps || backtestId === null || job.id === undefined) return;
      const key = job.id;
      reading.add(key);
      void this.#runningSince(backtestId, job).then((since) => {
        reading.delete(key);
        if (endedWhileReading.delete(key)) return;
        running.set(key, this.tracker.stepStarted({ backtestId, runningSince: since }));
      });
    });

    const record = (job: Job | undefined, outcome: JobOutcome) => {
      workerJobsTotal.inc({ queue, outcome });
      if (job?.processedOn && job.finishedOn) {
        workerJobDurationSeconds.observe({ queue }, (job.finishedOn - job.processedOn) / 1_000);
      }
      if (job?.id === undefined) return;
      const end = running.get(job.id);
      if (end) {
        end();
        running.delete(job.id);
      } else if (reading.has(job.id)) {
        endedWhileReading.add(job.id);
      }
    };
    worker.on('completed', (job) => record(job, 'completed'));
    worker.on('failed', (job) => record(job, 'failed'));
  }

  /** The backtest's `startedAt`; the step's own start while the record says it has not started. */
  async #runningSince(backtestId: string, job: Job): Promise<number | string> {
    const stepStart = job.processedOn ?? Date.now();
    if (!this.#store) return stepStart;
    try {
      return (await this.#store.getBacktest(backtestId))?.startedAt ?? stepStart;
    } catch {
      // A metric is not worth failing a step over; the step's own start is the next best thing.
      return stepStart;
    }
  }
}
