import {
  eventForStatus,
  type JobOptions,
  jobSpec,
  type NotificationSubject,
  type TerminalStatus,
  WEBHOOK_RETRY,
} from '@hindsight/models';
import type { Store } from '@hindsight/store';
import type { Queue } from 'bullmq';
import type { Logger } from '../logger.js';
import { withTimeout } from '../with-timeout.js';

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

/** A backtest or sweep that just ended, and whose it is. */
export interface EndedSubject {
  kind: NotificationSubject;
  id: string;
  ownerId: string;
}

/** The subject's id under the name a job payload gives it. */
function idOf(subject: EndedSubject): { backtestId: string } | { sweepId: string } {
  return subject.kind === 'sweep' ? { sweepId: subject.id } : { backtestId: subject.id };
}

/**
 * Queues the deliveries one finished backtest or sweep owes its owner: a `deliver-webhook` job per
 * enabled subscription to the event, a `send-email` job when the owner's settings name it. One
 * store read decides; an owner who subscribed to nothing costs no Redis command. The job ids
 * derive from the subject (and the subscription), so a second call adds nothing.
 */
export async function queueNotifications(
  deps: NotifyDeps,
  subject: EndedSubject,
  status: TerminalStatus,
): Promise<number> {
  const event = eventForStatus(subject.kind, status);
  const targets = await deps.store.notificationTargets(subject.ownerId, event);
  const retry = deps.retry ?? WEBHOOK_RETRY;
  const jobs: { name: string; data: object; opts: JobOptions }[] = targets.webhookIds.map(
    (webhookId) => {
      const spec = jobSpec('deliver-webhook', { ...idOf(subject), webhookId, event });
      const backoff = { type: 'exponential' as const, delay: retry.delayMs };
      return {
        name: spec.name,
        data: spec.data,
        opts: { ...spec.opts, attempts: retry.attempts, backoff },
      };
    },
  );
  if (targets.email !== null) {
    const spec = jobSpec('send-email', { ...idOf(subject), event });
    jobs.push({ name: spec.name, data: spec.data, opts: spec.opts });
  }
  if (jobs.length === 0) return 0;
  await deps.queue.addBulk(jobs);
  return jobs.length;
}

/**
 * queueNotifications for a writer that just ended the subject: never throws (the ending stands
 * even if its messages are lost; the failure is logged), and with `redisTimeoutMs` (the api) waits
 * at most that long.
 */
export async function notifyOwner(
  deps: NotifyDeps & { logger: Pick<Logger, 'warn'>; redisTimeoutMs?: number | undefined },
  subject: EndedSubject,
  status: TerminalStatus,
): Promise<void> {
  const queued = queueNotifications(deps, subject, status);
  const ms = deps.redisTimeoutMs;
  try {
    await (ms === undefined ? queued : withTimeout(queued, ms, 'queueing the notifications'));
  } catch (error) {
    deps.logger.warn(
      { err: error, [`${subject.kind}Id`]: subject.id },
      'could not queue notifications',
    );
  }
}
