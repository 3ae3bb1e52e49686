import { ConfigError, createLogger, launcherGone, loadConfig } from '@hindsight/service';
import { startMetricsServer } from '@hindsight/telemetry';
import { startWorkers } from './workers.js';

/** Past the grace period, how long the hand-back and closing may take before the process exits. */
const CLOSE_BOUND_MS = 5_000;

/**
 * The worker process: `pnpm start:worker` (or `pnpm start`, which runs it with the api). Needs
 * REDIS_URL. On SIGTERM or SIGINT - or when the launcher that started it is gone (its IPC channel
 * closed) - it stops taking jobs, lets those in progress run WORKER_SHUTDOWN_GRACE_SECONDS, hands
 * the rest back to their queues, and exits; a second signal exits at once.
 */
async function main(): Promise<number> {
  // Watched from the first line: a launcher killed while this process still starts closes the
  // channel before the handlers below exist, and the worker would outlive it unseen.
  const launcher = launcherGone();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`hindsight worker: invalid configuration\n${error.message}\n`);
    return 1;
  }
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker' });
  if (!config.REDIS_URL) {
    logger.fatal(
      'REDIS_URL is not set: run the whole service with `pnpm start` (it starts Redis), or set REDIS_URL to the Redis the api uses',
    );
    return 1;
  }
  const running = await startWorkers({ config, redisUrl: config.REDIS_URL, logger });
  // GET /metrics and /health on WORKER_METRICS_PORT, bound like the api (HOST).
  const metricsServer = await startMetricsServer(
    running.metrics.registry,
    config.WORKER_METRICS_PORT,
    { host: config.HOST },
  ).catch((error: Error) => {
    // Metrics are for operators; a busy port must not keep the worker from working.
    logger.warn({ err: error, port: config.WORKER_METRICS_PORT }, 'metrics not served');
    return null;
  });
  logger.info(
    {
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      dataRoot: config.DATA_ROOT,
      metrics: metricsServer ? `${metricsServer.url}/metrics` : null,
    },
    'worker ready',
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals | 'launcher gone') => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting for jobs');
        resolve(1);
        return;
      }
      stopping = true;
      const graceMs = config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000;
      logger.info({ signal, graceMs }, 'closing: waiting for the jobs in progress');
      // A Redis that is gone makes BullMQ wait without limit; the process must still end.
      setTimeout(() => {
        logger.warn('closing took too long: exiting');
        resolve(1);
      }, graceMs + CLOSE_BOUND_MS).unref();
      // Metrics stay up while the jobs in progress finish, so the drain can be watched.
      running
        .close({ graceMs })
        .then(() => metricsServer?.close())
        .then(
          () => {
            logger.info('closed');
            resolve(0);
          },
          (error) => {
            logger.error({ err: error }, 'close failed');
            resolve(1);
          },
        );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    void launcher.then(() => stop('launcher gone'));
  });
}

process.exit(await main());
