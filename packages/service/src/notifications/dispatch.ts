import { type JobOptions, jobSpec, type NotificationEvent, WEBHOOK_RETRY } from '@hindsight/models';
import type { Store } from '@hindsight/store';
import type { Queue } from 'bullmq';

export interface WebhookRetry {
  /** Attempts of one message, the first included. */
  attempts: number;
  /** The first wait; each later one doubles. */
  delayMs: number;
}

export interface NotifyDeps {
  store: Store;
  /** The notifications queue. */
  queue: Queue;
  /** Default: WEBHOOK_RETRY (about a day). */
  retry?: WebhookRetry;
}

/**
 * Queues the deliveries one finished backtest owes its owner: a `deliver-webhook` job per enabled
 * subscription to the event, a `send-email` job when the owner's settings name it. One store
 * read decides; an owner who subscribed to nothing costs no Redis command. The job ids derive
 * from the backtest (and the subscription), so a second call adds nothing.
 */
export async function queueNotifications(
  deps: NotifyDeps,
  backtest: { id: string; ownerId: string },
  event: NotificationEvent,
): Promise<number> {
  const targets = await deps.store.notificationTargets(backtest.ownerId, event);
  const retry = deps.retry ?? WEBHOOK_RETRY;
  const jobs: { name: string; data: object; opts: JobOptions }[] = targets.webhookIds.map(
    (webhookId) => {
      const spec = jobSpec('deliver-webhook', { backtestId: backtest.id, webhookId, event });
      const backoff = { type: 'exponential' as const, delay: retry.delayMs };
      return {
        name: spec.name,
        data: spec.data,
        opts: { ...spec.opts, attempts: retry.attempts, backoff },
      };
    },
  );
  if (targets.email !== null) {
    const spec = jobSpec('send-email', { backtestId: backtest.id, event });
    jobs.push({ name: spec.name, data: spec.data, opts: spec.opts });
  }
  if (jobs.length === 0) return 0;
  await deps.queue.addBulk(jobs);
  return jobs.length;
}
