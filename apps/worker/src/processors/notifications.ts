import { backtestJobIds, type QueueHandlers, sweepJobIds } from '@hindsight/models';
import {
  backtestEmail,
  backtestEventBody,
  createMailer,
  type EmailContent,
  publicUrl,
  sendWebhook,
  sweepComboCounts,
  sweepEmail,
  sweepEventBody,
} from '@hindsight/service';
import type { WorkerDeps } from '../deps.js';
import type { JobContext } from '../job-context.js';
import type { WorkerTelemetry } from '../telemetry.js';

/** A finished backtest or sweep, as its messages need it. */
interface Ended {
  ownerId: string;
  finishedAt: string | null;
  /** What a delivery attempt records it under. */
  ids: { backtestId: string | null; sweepId: string | null };
  /** The `webhook-id` of its message to one subscription. */
  messageId(webhookId: string): string;
  body: object;
  email: EmailContent;
}

/** The backtest or sweep a job names, or null once deleted. */
async function ended(
  deps: WorkerDeps,
  payload: { backtestId: string } | { sweepId: string },
): Promise<Ended | null> {
  const base = publicUrl(deps.config);
  if ('sweepId' in payload) {
    const record = await deps.store.getSweep(payload.sweepId);
    if (!record) return null;
    const combos = sweepComboCounts(record, await deps.store.countSweepCells(record.id));
    return {
      ownerId: record.ownerId,
      finishedAt: record.finishedAt,
      ids: { backtestId: null, sweepId: record.id },
      messageId: (webhookId) => sweepJobIds.webhook(record.id, webhookId),
      body: sweepEventBody(record, combos, base),
      email: sweepEmail(record, combos, base),
    };
  }
  const record = await deps.store.getBacktest(payload.backtestId);
  if (!record) return null;
  return {
    ownerId: record.ownerId,
    finishedAt: record.finishedAt,
    ids: { backtestId: record.id, sweepId: null },
    messageId: (webhookId) => backtestJobIds.webhook(record.id, webhookId),
    body: backtestEventBody(record, base),
    email: backtestEmail(record, base),
  };
}

/**
 * The notifications queue. `backtest-finished` comes once per backtest the api ended (a worker
 * counts its own endings in process, see ended-channel.ts) and counts the outcome for Prometheus.
 * `deliver-webhook` and `send-email`, about a backtest or a sweep, exist only for owners who
 * asked for them (see queueNotifications): a webhook message is signed and posted, every attempt recorded, and a
 * failed one thrown so BullMQ retries it with backoff under the same `webhook-id`; when the
 * last attempt fails, the subscription is disabled with the reason.
 */
export function notificationsHandlers(
  deps: WorkerDeps,
  metrics: WorkerTelemetry,
): QueueHandlers<'notifications', JobContext> {
  const { config, store } = deps;
  const mailer = config.SMTP_URL ? createMailer(config.SMTP_URL, config.SMTP_FROM) : null;
  return {
    'backtest-finished': async (payload, { log }) => {
      const record = await store.getBacktest(payload.backtestId);
      const seconds =
        record?.startedAt && record.finishedAt
          ? (Date.parse(record.finishedAt) - Date.parse(record.startedAt)) / 1000
          : null;
      metrics.backtestFinished(payload.status, record);
      log.info(
        { status: payload.status, ownerId: record?.ownerId ?? null, seconds },
        'backtest finished',
      );
      return { backtestId: payload.backtestId, status: payload.status };
    },

    'deliver-webhook': async (payload, { job, log }) => {
      const hook = await store.getWebhook(payload.webhookId);
      if (!hook?.enabled) {
        log.info({ webhookId: payload.webhookId }, 'webhook gone or disabled: not delivered');
        return { delivered: false };
      }
      const subject = await ended(deps, payload);
      if (!subject) {
        log.info('deleted before its webhook was delivered');
        return { delivered: false };
      }
      const messageId = subject.messageId(hook.id);
      const body = JSON.stringify(subject.body);
      const attempt = job.attemptsMade + 1;
      const outcome = await sendWebhook(
        { url: hook.url, secret: hook.secret, messageId, body },
        { allowedHosts: config.WEBHOOK_ALLOWED_HOSTS },
      );
      await store.recordWebhookDelivery({
        webhookId: hook.id,
        messageId,
        event: payload.event,
        ...subject.ids,
        attempt,
        ...outcome,
      });
      if (outcome.ok) return { delivered: true, attempt, statusCode: outcome.statusCode };
      const attempts = job.opts.attempts ?? 1;
      if (attempt >= attempts) {
        const reason = `message ${messageId} failed all ${attempts} attempts since ${subject.finishedAt}; last: ${outcome.error}`;
        if (await store.disableWebhook(hook.id, reason)) {
          log.warn({ webhookId: hook.id, reason }, 'webhook disabled');
        }
      }
      throw new Error(`webhook attempt ${attempt} of ${attempts} failed: ${outcome.error}`);
    },

    'send-email': async (payload, { log }) => {
      if (!mailer) {
        log.warn('SMTP_URL is not set: e-mail not sent');
        return { sent: false };
      }
      const subject = await ended(deps, payload);
      if (!subject) return { sent: false };
      // Read now, not when queued: an address changed or removed since then is respected.
      const settings = await store.getNotificationSettings(subject.ownerId);
      if (!settings?.email || !settings.events.includes(payload.event)) return { sent: false };
      await mailer.send(settings.email, subject.email);
      log.info({ event: payload.event }, 'e-mail sent');
      return { sent: true };
    },
  };
}
