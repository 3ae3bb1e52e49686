import { type Queues, TIER_PRIORITY } from '@hindsight/service';

/** Seconds per completed backtest assumed before any has completed to measure. */
const DEFAULT_SECONDS_PER_COMPLETION = 1;
/** Completed backtests the rate is measured over (the newest ones). */
const SAMPLE_SIZE = 50;
/** Weight of the newest interval in the moving average: about the last 10 count. */
const SMOOTHING = 0.2;
const REFRESH_MS = 10_000;
/**
 * How long the waiting counts read for one submit serve the next ones: a burst of submits reads
 * them once (two Redis scripts of three commands) rather than once each.
 */
const COUNTS_REFRESH_MS = 250;
/** The priorities jobs are queued with (0: the plain waiting list), all read at once. */
const PRIORITIES = [...new Set([0, ...Object.values(TIER_PRIORITY)])];

interface WaitingCounts {
  /** Jobs waiting per priority, as read (both queues of a flow's first job together). */
  read: Map<number, number>;
  /** Jobs this process queued per priority since the read, which it does not count. */
  since: Map<number, number>;
  at: number;
}

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
 * is refreshed at most every 10 s, and the waiting counts every 250 ms (adding, meanwhile, the jobs
 * this process queued since; the few that started meanwhile are still counted), so a burst of
 * submits costs Redis one read of each.
 */
export class QueueEstimator {
  #measured: { seconds: number; at: number } | null = null;
  #refreshing: Promise<number> | null = null;
  #counts: WaitingCounts | null = null;
  #counting: Promise<WaitingCounts> | null = null;

  constructor(private readonly queues: Queues) {}

  /** `ownJobs`: the jobs the submit being answered just queued (in the flow's first queue). */
  async estimate(priority: number, ownJobs: number): Promise<QueueEstimate> {
    const [{ counts, fresh }, seconds] = await Promise.all([
      this.#waitingCounts(),
      this.#secondsPerCompletion(),
    ]);
    let ahead = 0;
    for (const byPriority of [counts.read, counts.since]) {
      for (const [p, jobs] of byPriority) if (p <= priority) ahead += jobs;
    }
    // A fresh read counted this submit's own jobs; a kept one counts them from now on.
    if (fresh) ahead = Math.max(0, ahead - ownJobs);
    else counts.since.set(priority, (counts.since.get(priority) ?? 0) + ownJobs);
    return {
      queuePosition: ahead + 1,
      estimatedWaitSeconds: tenths((ahead + 1) * seconds),
    };
  }

  async #waitingCounts(): Promise<{ counts: WaitingCounts; fresh: boolean }> {
    const current = this.#counts;
    if (current && Date.now() - current.at < COUNTS_REFRESH_MS) {
      return { counts: current, fresh: false };
    }
    // Submits waiting for the same read all answer from it, as fresh.
    this.#counting ??= this.#readCounts().finally(() => {
      this.#counting = null;
    });
    const counts = await this.#counting;
    this.#counts = counts;
    return { counts, fresh: true };
  }

  async #readCounts(): Promise<WaitingCounts> {
    const { 'market-data': first, simulation } = this.queues.queues;
    // Priority 0 counts the plain waiting list, the others the prioritized set.
    const [flowCounts, directCounts] = await Promise.all([
      first.getCountsPerPriority(PRIORITIES),
      simulation.getCountsPerPriority(PRIORITIES),
    ]);
    const read = new Map(
      PRIORITIES.map((p) => [p, (flowCounts[String(p)] ?? 0) + (directCounts[String(p)] ?? 0)]),
    );
    return { read, since: new Map(), at: Date.now() };
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
