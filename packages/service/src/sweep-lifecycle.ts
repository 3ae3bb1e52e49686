import type { BacktestFailure, SweepRecord, TerminalStatus } from '@hindsight/models';
import type { Store } from '@hindsight/store';
import type { Queue } from 'bullmq';
import type { BacktestEventPublisher } from './event-publisher.js';
import type { Logger } from './logger.js';
import { notifyOwner, type WebhookRetry } from './notifications/dispatch.js';
import { withTimeout } from './with-timeout.js';

export interface SweepLifecycleDeps {
  store: Store;
  events: BacktestEventPublisher;
  /** The notifications queue, for the owner's webhooks and e-mail. */
  notifications: Queue;
  logger: Pick<Logger, 'warn'>;
  /** How webhook messages are retried; default WEBHOOK_RETRY (see webhookRetry(config)). */
  webhookRetry?: WebhookRetry;
  /** For the api: each Redis write after the transition waits at most this long. */
  redisTimeoutMs?: number;
}

export interface SweepEndOptions {
  /** The statuses the sweep may end from; both active ones unless the caller knows better. */
  from?: readonly ('queued' | 'running')[];
  patch?: { summary?: unknown; error?: BacktestFailure | null };
  /** Said in the `cancelled` event. */
  reason?: string | null;
  /**
   * What live clients should see before the terminal event (the worker's final progress and
   * leaderboard); best effort, as the event.
   */
  beforeEvent?: (record: SweepRecord) => Promise<void>;
}

/**
 * The one place a sweep ends, whichever process ends it (the worker's finish or failure, the
 * api's cancel, delete or refused enqueue): the store's transition decides who wins, and only
 * that writer publishes the terminal event on /ws/sweep/:id and queues the owner's notifications.
 * The live channel is best effort (logged, never thrown): the store has decided.
 */
export class SweepLifecycle {
  constructor(private readonly deps: SweepLifecycleDeps) {}

  /** Ends a queued or running sweep with `to`; the ended record, or null if it had already left. */
  async end(
    sweepId: string,
    to: TerminalStatus,
    options: SweepEndOptions = {},
  ): Promise<SweepRecord | null> {
    const ended = await this.deps.store.transitionSweep(sweepId, {
      from: options.from ?? ['queued', 'running'],
      to,
      ...(options.patch ? { patch: options.patch } : {}),
    });
    if (!ended) return null;
    await Promise.all([
      this.#announce(ended, options),
      notifyOwner(
        {
          store: this.deps.store,
          queue: this.deps.notifications,
          logger: this.deps.logger,
          redisTimeoutMs: this.deps.redisTimeoutMs,
          ...(this.deps.webhookRetry ? { retry: this.deps.webhookRetry } : {}),
        },
        { kind: 'sweep', id: ended.id, ownerId: ended.ownerId },
        to,
      ),
    ]);
    return ended;
  }

  async #announce(record: SweepRecord, options: SweepEndOptions): Promise<void> {
    const announced = (async () => {
      await options.beforeEvent?.(record);
      await this.#terminalEvent(record, options.reason ?? null);
    })();
    const ms = this.deps.redisTimeoutMs;
    try {
      await (ms === undefined ? announced : withTimeout(announced, ms, 'publishing the sweep end'));
    } catch (error) {
      this.deps.logger.warn({ err: error, sweepId: record.id }, 'sweep end not published');
    }
  }

  #terminalEvent(record: SweepRecord, reason: string | null): Promise<unknown> {
    const { events } = this.deps;
    switch (record.status) {
      case 'completed': {
        const best = (record.summary as { best?: { params: Record<string, unknown> } } | null)
          ?.best;
        return events.publishSweep(record.id, 'completed', {
          best: best ? { params: best.params } : null,
        });
      }
      case 'failed':
        return events.publishSweep(record.id, 'failed', {
          error: record.error ?? { code: 'HS_ERR_INTERNAL', message: 'failed' },
        });
      default:
        return events.publishSweep(record.id, 'cancelled', { reason });
    }
  }
}
