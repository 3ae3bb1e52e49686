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
  type TerminalStatus,
} from '@hindsight/models';
import type { Store } from '@hindsight/store';
import type { Queue } from 'bullmq';
import type { BacktestEventPublisher } from './event-publisher.js';
import type { Logger } from './logger.js';
import { notifyOwner, type WebhookRetry } from './notifications/dispatch.js';
import { withTimeout } from './with-timeout.js';

/** Where each step's progress starts; a step fills the span up to the next one. */
export const STEP_START: Readonly<Record<BacktestStep, number>> = {
  data: 0,
  indicators: 0.1,
  simulation: 0.2,
  saving: 0.95,
};

/** The share of a backtest's progress its simulation step spans. */
export const SIMULATION_SPAN = STEP_START.saving - STEP_START.simulation;

/** The statuses no worker is done with: the only ones a backtest can end from. */
type ActiveStatus = 'queued' | 'running';
const ACTIVE: readonly ActiveStatus[] = ['queued', 'running'];

export interface LifecycleDeps {
  store: Store;
  events: BacktestEventPublisher;
  /**
   * The notifications queue: one `backtest-finished` job per backtest this writer ends, for a
   * worker to count - unless `onEnded` is given.
   */
  notifications: Queue;
  /**
   * Told, once, of each backtest this writer ended, instead of queueing its `backtest-finished`
   * job: a worker counts its own endings in process (no Redis), the api's few (a cancel of a
   * queued run, a refused enqueue) still go through the queue. Must not throw.
   */
  onEnded?: (backtestId: string, status: TerminalStatus) => void;
  logger: Pick<Logger, 'warn'>;
  /** How webhook messages are retried; default WEBHOOK_RETRY (see webhookRetry(config)). */
  webhookRetry?: WebhookRetry;
  /**
   * For a process that answers a caller (the api): every Redis write after the store's
   * transition (events, the notification) waits at most this long and a failure is logged, not
   * thrown - the store has decided, and a Redis that is down must not hold or fail the request.
   * Unset (the worker), a failed publish throws, as any fault of a job does.
   */
  redisTimeoutMs?: number;
}

export interface EndOptions {
  /** The statuses the backtest may end from; both active ones unless the caller knows better. */
  from?: readonly ActiveStatus[];
  /**
   * Work that must follow the transition but not the announcement (the api takes the flow off
   * the queues): runs alongside it, so a Redis that is down costs one wait, not two.
   */
  alongside?: () => Promise<unknown>;
}

/**
 * Every change of a backtest's state, whichever process makes it (the worker as it runs, the api
 * when it cancels a backtest no worker holds or cannot queue one): the store first (the system of
 * record, whose transitions decide who wins a race), then the event, published only by the
 * writer whose transition applied, so each backtest gets exactly one terminal event, then one
 * `backtest-finished` job (or `onEnded` call). The only place these writes are made, so api and
 * worker cannot drift.
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
    this.deps.events.enqueue(record.id, 'status', { status: 'running', step });
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
    // At once: the process handing it back may be about to exit.
    await this.#publish(backtestId, 'status', { status: 'queued', step: null });
    return true;
  }

  /**
   * Stores and announces progress; false when the backtest is already terminal or gone. The
   * event waits, up to the publisher's batch window, to go out with the next ones.
   */
  async progress(backtestId: string, data: ProgressData): Promise<boolean> {
    const applied = await this.deps.store.setProgress(backtestId, data.progress, data.step);
    if (applied) this.deps.events.enqueue(backtestId, 'progress', data);
    return applied;
  }

  /**
   * Progress from inside a synchronous loop (a long run: the simulation throttles these to one
   * per interval): the store write and the publish, with any events still waiting, both start
   * now, neither waits for the other, because a continuation would only run once the loop is
   * done. (The simulator is the only writer while a backtest runs, so no terminal state can race
   * it.)
   */
  progressNow(backtestId: string, data: ProgressData): Promise<unknown> {
    return Promise.all([
      this.deps.store.setProgress(backtestId, data.progress, data.step),
      this.deps.events.publish(backtestId, 'progress', data),
    ]);
  }

  /**
   * Appends an execution log line and streams it (with the next events, as progress); a deleted
   * backtest's lines go nowhere.
   */
  async log(backtestId: string, level: LogLevel, message: string): Promise<void> {
    try {
      const [line] = await this.deps.store.appendLogs(backtestId, [
        { ts: new Date().toISOString(), level, message: message.slice(0, MAX_LOG_MESSAGE) },
      ]);
      if (line) this.deps.events.enqueue(backtestId, 'log', line);
    } catch (error) {
      if (isHindsightError(error) && error.code === 'HS_ERR_NOT_FOUND') return;
      throw error;
    }
  }

  /** Writes the backtest's waiting events now: before its job leaves this process for a retry. */
  flushEvents(backtestId: string): Promise<void> {
    return this.deps.events.flush(backtestId);
  }

  /**
   * Completes the backtest once, whichever process tries; true for the one that did. The caller
   * holds its record: the owner (for the notification lookup) never changes, so it is not read
   * again.
   */
  async complete(
    backtest: { id: string; ownerId: string },
    summary: BacktestSummary,
  ): Promise<boolean> {
    if (!(await this.deps.store.complete(backtest.id, summary))) return false;
    await this.#announceEnd(backtest, 'completed', () =>
      this.#publish(backtest.id, 'completed', { summary }),
    );
    return true;
  }

  /** Fails the backtest once; the failed record, or null if it had already left `from`. */
  async fail(
    backtestId: string,
    error: BacktestFailure,
    options: EndOptions = {},
  ): Promise<BacktestRecord | null> {
    const record = await this.deps.store.transition(backtestId, {
      from: [...(options.from ?? ACTIVE)],
      to: 'failed',
      patch: { error },
    });
    if (!record) return null;
    await this.log(backtestId, 'error', `failed: ${error.message}`);
    await this.#announceEnd(
      record,
      'failed',
      () => this.#publish(backtestId, 'failed', { error }),
      options.alongside,
    );
    return record;
  }

  /** Cancels the backtest once; the cancelled record, or null if it had already left `from`. */
  async cancel(
    backtestId: string,
    reason: string | null,
    options: EndOptions = {},
  ): Promise<BacktestRecord | null> {
    const record = await this.deps.store.transition(backtestId, {
      from: [...(options.from ?? ACTIVE)],
      to: 'cancelled',
    });
    if (!record) return null;
    await this.#announceEnd(
      record,
      'cancelled',
      () => this.#publish(backtestId, 'cancelled', { reason }),
      options.alongside,
    );
    return record;
  }

  /**
   * The terminal event, then the notification; with a Redis timeout (the api) the two and the
   * caller's own work run side by side, each bounded.
   */
  async #announceEnd(
    backtest: { id: string; ownerId: string | null },
    status: TerminalStatus,
    publish: () => Promise<unknown>,
    alongside?: () => Promise<unknown>,
  ): Promise<void> {
    const finished = () =>
      Promise.all([this.#finished(backtest.id, status), this.#notify(backtest, status)]);
    if (this.deps.redisTimeoutMs === undefined) {
      await Promise.all([
        (async () => {
          await publish();
          await finished();
        })(),
        alongside?.(),
      ]);
      return;
    }
    await Promise.all([publish(), finished(), alongside?.()]);
  }

  /** The owner's webhooks and e-mail for this ending, queued only if they asked for it. */
  async #notify(
    backtest: { id: string; ownerId: string | null },
    status: TerminalStatus,
  ): Promise<void> {
    if (backtest.ownerId === null) return;
    await notifyOwner(
      {
        store: this.deps.store,
        queue: this.deps.notifications,
        logger: this.deps.logger,
        redisTimeoutMs: this.deps.redisTimeoutMs,
        ...(this.deps.webhookRetry ? { retry: this.deps.webhookRetry } : {}),
      },
      { kind: 'backtest', id: backtest.id, ownerId: backtest.ownerId },
      status,
    );
  }

  #publish(...args: Parameters<BacktestEventPublisher['publish']>): Promise<unknown> {
    const published = this.deps.events.publish(...args);
    const ms = this.deps.redisTimeoutMs;
    if (ms === undefined) return published;
    return withTimeout(published, ms, `publishing the ${args[1]} event`).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, backtestId: args[0] }, 'event not published'),
    );
  }

  async #finished(backtestId: string, status: TerminalStatus): Promise<void> {
    if (this.deps.onEnded) {
      this.deps.onEnded(backtestId, status);
      return;
    }
    const spec = jobSpec('backtest-finished', { backtestId, status });
    const added = this.deps.notifications.add(spec.name, spec.data, spec.opts);
    // BullMQ waits for a connection without limit; where a caller waits, that wait is bounded.
    const ms = this.deps.redisTimeoutMs;
    try {
      await (ms === undefined ? added : withTimeout(added, ms, 'queueing the notification'));
    } catch (error) {
      // The backtest is finished and announced; a lost notification must not undo that.
      this.deps.logger.warn(
        { err: error, backtestId },
        'could not queue the finished notification',
      );
    }
  }
}
