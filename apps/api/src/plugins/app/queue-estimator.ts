import type { Queues } from '@hindsight/service';

/** Seconds per completed backtest assumed before any has completed to measure. */
const DEFAULT_SECONDS_PER_COMPLETION = 1;
/** Completed backtests the rate is measured over (the newest ones). */
const SAMPLE_SIZE = 50;
/** Weight of the newest interval in the moving average: about the last 10 count. */
const SMOOTHING = 0.2;
const REFRESH_MS = 10_000;

export interface QueueEstimate {
  /** 1 = next to start. */
  queuePosition: number;
  estimatedWaitSeconds: number;
}

/** What the estimate needs of a finished simulation job (BullMQ's Job has these). */
export interface FinishedRun {
  /** When the job was added: the submit, as a flow's parent is added with its children. */
  timestamp: number;
  finishedOn?: number | undefined;
}

/**
 * Seconds between completed backtests while there is work, an exponentially weighted average
 * over the runs given (any order). Each run's interval starts when the previous run finished or,
 * if the system was idle, when the run was submitted, so idle time does not count as slowness;
 * with several slots busy, completions come closer together and the interval shrinks with them.
 * Every stage of a run (market data, indicators, simulation) and every worker is in it, which a
 * mean simulation time divided by a configured worker count was not. null with no finished run.
 */
export function secondsPerCompletion(runs: readonly FinishedRun[]): number | null {
  const finished = runs
    .filter((run): run is FinishedRun & { finishedOn: number } => run.finishedOn !== undefined)
    .sort((a, b) => a.finishedOn - b.finishedOn);
  let average: number | null = null;
  let previous = Number.NEGATIVE_INFINITY;
  for (const run of finished) {
    const interval = Math.max(0, run.finishedOn - Math.max(previous, run.timestamp)) / 1000;
    average = average === null ? interval : SMOOTHING * interval + (1 - SMOOTHING) * average;
    previous = run.finishedOn;
  }
  return average;
}

/** Estimates are given to a tenth of a second; finer would be noise (and float dust). */
function tenths(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/**
 * Where a new backtest stands in line and when it should be done: the jobs of equal or higher
 * priority waiting to start (in the first queue of a flow, or in the simulation queue for a run
 * whose bars are cached) and the measured seconds per completion. The wait is (jobs ahead + 1)
 * completions: the time until this backtest's result, as a user waiting for it counts. The rate
 * is refreshed at most every 10 s, so a burst of submits costs one Redis round trip each.
 */
export class QueueEstimator {
  #measured: { seconds: number; at: number } | null = null;
  #refreshing: Promise<number> | null = null;

  constructor(private readonly queues: Queues) {}

  async estimate(priority: number, ownJobs: number): Promise<QueueEstimate> {
    const { 'market-data': first, simulation } = this.queues.queues;
    const priorities = [...new Set([0, 1, 5, 10, priority])].filter((p) => p <= priority);
    // Priority 0 counts the plain waiting list, the others the prioritized set.
    const [flowCounts, directCounts, seconds] = await Promise.all([
      first.getCountsPerPriority(priorities),
      simulation.getCountsPerPriority(priorities),
      this.#secondsPerCompletion(),
    ]);
    let ahead = 0;
    for (const p of priorities) {
      ahead += (flowCounts[String(p)] ?? 0) + (directCounts[String(p)] ?? 0);
    }
    ahead = Math.max(0, ahead - ownJobs);
    return {
      queuePosition: ahead + 1,
      estimatedWaitSeconds: tenths((ahead + 1) * seconds),
    };
  }

  /** Seconds until a running backtest should finish and free a slot: one completion, at least 1. */
  async retryAfterSeconds(): Promise<number> {
    return Math.max(1, Math.ceil(tenths(await this.#secondsPerCompletion())));
  }

  #secondsPerCompletion(): Promise<number> {
    const current = this.#measured;
    if (current && Date.now() - current.at < REFRESH_MS) return Promise.resolve(current.seconds);
    this.#refreshing ??= this.#measure().finally(() => {
      this.#refreshing = null;
    });
    // A stale figure is a fine answer while the new one is measured.
    return current ? Promise.resolve(current.seconds) : this.#refreshing;
  }

  async #measure(): Promise<number> {
    // Every backtest ends with its simulation job, so its completions are the backtests'.
    const jobs = await this.queues.queues.simulation.getJobs(['completed'], 0, SAMPLE_SIZE - 1);
    const seconds =
      secondsPerCompletion(jobs.filter((job) => job !== undefined)) ??
      DEFAULT_SECONDS_PER_COMPLETION;
    this.#measured = { seconds, at: Date.now() };
    return seconds;
  }
}
