import type { Queues } from '@hindsight/service';

/** How long a run takes when no run has finished yet to measure. */
const DEFAULT_RUN_SECONDS = 1;
const SAMPLE_SIZE = 20;
const REFRESH_MS = 10_000;

export interface QueueEstimate {
  /** 1 = next to start. */
  queuePosition: number;
  estimatedWaitSeconds: number;
}

interface Throughput {
  meanRunSeconds: number;
  /** Backtests that can run at once: workers x their concurrency, at least 1. */
  slots: number;
  at: number;
}

/**
 * Where a new backtest stands in line: the jobs of equal or higher priority waiting in the first
 * queue of its flow, and how long the ones ahead should take, from the durations of the last
 * finished simulations. The duration sample and the worker count are refreshed at most every 10 s
 * so a burst of submits costs one Redis round trip each.
 */
export class QueueEstimator {
  #throughput: Throughput | null = null;
  #refreshing: Promise<Throughput> | null = null;

  constructor(
    private readonly queues: Queues,
    private readonly workerConcurrency: number,
  ) {}

  async estimate(priority: number, ownJobs: number): Promise<QueueEstimate> {
    const firstQueue = this.queues.queues['market-data'];
    const priorities = [...new Set([0, 1, 5, 10, priority])].filter((p) => p <= priority);
    // Priority 0 counts the plain waiting list, the others the prioritized set.
    const [counts, throughput] = await Promise.all([
      firstQueue.getCountsPerPriority(priorities),
      this.#currentThroughput(),
    ]);
    let ahead = 0;
    for (const p of priorities) ahead += counts[String(p)] ?? 0;
    ahead = Math.max(0, ahead - ownJobs);
    return {
      queuePosition: ahead + 1,
      estimatedWaitSeconds:
        Math.round(((ahead * throughput.meanRunSeconds) / throughput.slots) * 10) / 10,
    };
  }

  /** Seconds until a slot should free up: about one run divided among the slots, at least 1. */
  async retryAfterSeconds(): Promise<number> {
    const { meanRunSeconds, slots } = await this.#currentThroughput();
    return Math.max(1, Math.ceil(meanRunSeconds / slots));
  }

  #currentThroughput(): Promise<Throughput> {
    const current = this.#throughput;
    if (current && Date.now() - current.at < REFRESH_MS) return Promise.resolve(current);
    this.#refreshing ??= this.#measure().finally(() => {
      this.#refreshing = null;
    });
    // A stale figure is a fine answer while the new one is measured.
    return current ? Promise.resolve(current) : this.#refreshing;
  }

  async #measure(): Promise<Throughput> {
    const simulation = this.queues.queues.simulation;
    const [jobs, workers] = await Promise.all([
      simulation.getJobs(['completed'], 0, SAMPLE_SIZE - 1),
      simulation.getWorkersCount(),
    ]);
    let total = 0;
    let n = 0;
    for (const job of jobs) {
      if (job?.processedOn && job.finishedOn && job.finishedOn >= job.processedOn) {
        total += (job.finishedOn - job.processedOn) / 1000;
        n++;
      }
    }
    const throughput = {
      meanRunSeconds: n === 0 ? DEFAULT_RUN_SECONDS : total / n,
      slots: Math.max(1, workers * this.workerConcurrency),
      at: Date.now(),
    };
    this.#throughput = throughput;
    return throughput;
  }
}
