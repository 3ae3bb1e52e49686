import {
  type BacktestFailure,
  type BacktestRecord,
  type BacktestStep,
  type BacktestSummary,
  isHindsightError,
  jobSpec,
  type LogLevel,
  MAX_LOG_MESSAGE,
  type ProgressData,
  type Store,
  type TerminalStatus,
} from '@hindsight/models';
import type { BacktestEventPublisher, Logger } from '@hindsight/service';
import type { Queue } from 'bullmq';

/** Where each step's progress starts; a step fills the span up to the next one. */
export const STEP_START: Readonly<Record<BacktestStep, number>> = {
  data: 0,
  indicators: 0.1,
  simulation: 0.2,
  saving: 0.95,
};

export interface LifecycleDeps {
  store: Store;
  events: BacktestEventPublisher;
  /** The notifications queue: one `backtest-finished` job per terminal backtest. */
  notifications: Queue;
  logger: Logger;
}

/**
 * Every change of a backtest's state as the worker makes it: the store first (the system of
 * record, whose transitions decide who wins a race), then the event, published only by the
 * writer whose transition applied, so each backtest gets exactly one terminal event.
 */
export class BacktestLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  get store(): Store {
    return this.deps.store;
  }

  /**
   * queued -> running on the first step a worker starts; running -> running, when a job of the
   * backtest starts `again` (after a lost worker or a failed attempt), so `attempts` counts every
   * start. The record as it now stands: running, or whatever another process made of it
   * meanwhile (null once deleted).
   */
  async markRunning(
    record: BacktestRecord,
    step: BacktestStep,
    again = false,
  ): Promise<BacktestRecord | null> {
    if (record.status !== 'queued' && !(again && record.status === 'running')) return record;
    const running = await this.deps.store.transition(record.id, {
      from: [record.status],
      to: 'running',
      patch: { step, progress: Math.max(record.progress, STEP_START[step]) },
    });
    if (!running) return this.deps.store.getBacktest(record.id);
    await this.deps.events.publish(record.id, 'status', { status: 'running', step });
    return running;
  }

  /**
   * running -> queued for a backtest whose job no worker holds any more (Redis lost it): the run
   * starts over, and the next worker's markRunning counts the new attempt. False if the backtest
   * is no longer running.
   */
  async requeue(backtestId: string, reason: string): Promise<boolean> {
    const record = await this.deps.store.transition(backtestId, {
      from: ['running'],
      to: 'queued',
      patch: { step: null, progress: 0 },
    });
    if (!record) return false;
    await this.log(backtestId, 'warn', `queued again: ${reason}`);
    await this.deps.events.publish(backtestId, 'status', { status: 'queued', step: null });
    return true;
  }

  /** Stores and announces progress; false when the backtest is already terminal or gone. */
  async progress(backtestId: string, data: ProgressData): Promise<boolean> {
    const applied = await this.deps.store.setProgress(backtestId, data.progress, data.step);
    if (applied) await this.deps.events.publish(backtestId, 'progress', data);
    return applied;
  }

  /**
   * Progress from inside a synchronous loop: the store write and the publish both start now,
   * neither waits for the other, because a continuation would only run once the loop is done.
   * (The simulator is the only writer while a backtest runs, so no terminal state can race it.)
   */
  progressNow(backtestId: string, data: ProgressData): Promise<unknown> {
    return Promise.all([
      this.deps.store.setProgress(backtestId, data.progress, data.step),
      this.deps.events.publish(backtestId, 'progress', data),
    ]);
  }

  /** Appends an execution log line and streams it; a deleted backtest's lines go nowhere. */
  async log(backtestId: string, level: LogLevel, message: string): Promise<void> {
    try {
      const [line] = await this.deps.store.appendLogs(backtestId, [
        { ts: new Date().toISOString(), level, message: message.slice(0, MAX_LOG_MESSAGE) },
      ]);
      if (line) await this.deps.events.publish(backtestId, 'log', line);
    } catch (error) {
      if (isHindsightError(error) && error.code === 'HS_ERR_NOT_FOUND') return;
      throw error;
    }
  }

  /** Completes the backtest once, whichever process tries; true for the one that did. */
  async complete(backtestId: string, summary: BacktestSummary): Promise<boolean> {
    if (!(await this.deps.store.complete(backtestId, summary))) return false;
    await this.deps.events.publish(backtestId, 'completed', { summary });
    await this.#finished(backtestId, 'completed');
    return true;
  }

  async fail(backtestId: string, error: BacktestFailure): Promise<boolean> {
    const record = await this.deps.store.transition(backtestId, {
      from: ['queued', 'running'],
      to: 'failed',
      patch: { error },
    });
    if (!record) return false;
    await this.log(backtestId, 'error', `failed: ${error.message}`);
    await this.deps.events.publish(backtestId, 'failed', { error });
    await this.#finished(backtestId, 'failed');
    return true;
  }

  async cancel(backtestId: string, reason: string | null): Promise<boolean> {
    const record = await this.deps.store.transition(backtestId, {
      from: ['queued', 'running'],
      to: 'cancelled',
    });
    if (!record) return false;
    await this.deps.events.publish(backtestId, 'cancelled', { reason });
    await this.#finished(backtestId, 'cancelled');
    return true;
  }

  async #finished(backtestId: string, status: TerminalStatus): Promise<void> {
    const spec = jobSpec('backtest-finished', { backtestId, status });
    try {
      await this.deps.notifications.add(spec.name, spec.data, spec.opts);
    } catch (error) {
      // The backtest is finished and announced; a lost notification must not undo that.
      this.deps.logger.warn(
        { err: error, backtestId },
        'could not queue the finished notification',
      );
    }
  }
}
