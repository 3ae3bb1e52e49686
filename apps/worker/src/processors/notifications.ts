import type { QueueHandlers } from '@hindsight/models';
import type { WorkerDeps } from '../deps.js';
import type { JobContext } from '../job-context.js';
import type { WorkerTelemetry } from '../telemetry.js';

/**
 * `backtest-finished`: one job per backtest the api ended (a worker counts its own endings in
 * process, see ended-channel.ts). Hindsight has no outbound channel (webhook, e-mail) yet, so
 * the handler counts the outcome for Prometheus and logs it with the run's duration; it is the
 * place such a channel plugs in.
 */
export function notificationsHandlers(
  deps: WorkerDeps,
  metrics: WorkerTelemetry,
): QueueHandlers<'notifications', JobContext> {
  return {
    'backtest-finished': async (payload, { log }) => {
      const record = await deps.store.getBacktest(payload.backtestId);
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
  };
}
