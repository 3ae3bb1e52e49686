import type { BacktestOutcome } from './catalogue.js';
import type { ServiceMetrics } from './registry.js';
import { epochMs, type Timestamp } from './timestamp.js';

export type BacktestRunMetrics = Pick<
  ServiceMetrics<'worker'>,
  | 'backtestTotal'
  | 'backtestDurationSeconds'
  | 'backtestActive'
  | 'backtestOldestActiveStartTimeSeconds'
>;

/** Seconds from `from` to `to`; never negative, because two hosts' clocks may disagree a little. */
function secondsBetween(from: number, to: number): number {
  return Math.max(0, to - from) / 1_000;
}

/**
 * The backtest metrics of a worker process. A backtest's steps may run in different worker
 * processes, so each process reports what it sees: the transitions it applied (queue wait when it
 * moved the backtest to running; the outcome and run time when it ended it) and the steps it is
 * executing now (`backtest_active`, and the oldest such backtest's start for the 30-minute alert).
 */
export class BacktestRunTracker {
  /** Backtests with a step executing here: running-since (epoch ms) and steps in progress. */
  readonly #working = new Map<string, { since: number; steps: number }>();

  constructor(private readonly metrics: BacktestRunMetrics) {}

  /** This process moved the backtest from queued to running: observes its queue wait. */
  started(run: { strategy: string; createdAt: Timestamp; startedAt: Timestamp }): void {
    const waited = secondsBetween(
      epochMs(run.createdAt, 'createdAt'),
      epochMs(run.startedAt, 'startedAt'),
    );
    this.metrics.backtestDurationSeconds.observe(
      { strategy: run.strategy, phase: 'queue_wait' },
      waited,
    );
  }

  /**
   * This process applied the backtest's terminal transition: counts the outcome and, when it had
   * started (a backtest cancelled in the queue never did), observes its run time.
   */
  finished(run: {
    strategy: string;
    status: BacktestOutcome;
    startedAt: Timestamp | null;
    finishedAt: Timestamp;
  }): void {
    const finishedAt = epochMs(run.finishedAt, 'finishedAt');
    this.metrics.backtestTotal.inc({ status: run.status, strategy: run.strategy });
    if (run.startedAt === null) return;
    const ran = secondsBetween(epochMs(run.startedAt, 'startedAt'), finishedAt);
    this.metrics.backtestDurationSeconds.observe({ strategy: run.strategy, phase: 'run' }, ran);
  }

  /**
   * A step of the backtest starts executing in this process; call the returned function when it
   * ends, however it ends (calling it again does nothing). `runningSince` is the backtest's
   * `startedAt`, so a backtest that has been running for 30 minutes across several steps shows as
   * such.
   */
  stepStarted(run: { backtestId: string; runningSince: Timestamp }): () => void {
    const since = epochMs(run.runningSince, 'runningSince');
    const entry = this.#working.get(run.backtestId);
    if (entry) {
      entry.steps += 1;
      entry.since = Math.min(entry.since, since);
    } else {
      this.#working.set(run.backtestId, { since, steps: 1 });
    }
    this.#publish();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const current = this.#working.get(run.backtestId);
      if (current && --current.steps === 0) this.#working.delete(run.backtestId);
      this.#publish();
    };
  }

  /** Backtests with a step executing in this process. */
  get active(): number {
    return this.#working.size;
  }

  #publish(): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const { since } of this.#working.values()) oldest = Math.min(oldest, since);
    this.metrics.backtestActive.set(this.#working.size);
    this.metrics.backtestOldestActiveStartTimeSeconds.set(
      this.#working.size === 0 ? 0 : oldest / 1_000,
    );
  }
}
