import {
  BacktestEventPublisher,
  BacktestLifecycle,
  BarsCachedHints,
  CancelChannel,
  type Config,
  createRedisConnection,
  DiskUsage,
  type Logger,
  type Redis,
  SweepLifecycle,
  webhookRetry,
} from '@hindsight/service';
import { createStore, type Store } from '@hindsight/store';
import { Queue } from 'bullmq';
import type { BarSource } from './bar-source.js';
import { endedSender } from './ended-channel.js';
import { IndicatorCache } from './indicator-cache.js';
import { openBarSource } from './market-data.js';

/** What the processors of one process (or one sandbox thread) share. */
export interface WorkerDeps {
  config: Config;
  redis: Redis;
  store: Store;
  events: BacktestEventPublisher;
  cancels: CancelChannel;
  lifecycle: BacktestLifecycle;
  /** Where a sweep ends: its terminal event and its owner's notifications. */
  sweepLifecycle: SweepLifecycle;
  bars: BarSource;
  /** Indicator series of cached bars, computed by the indicators step, read by the simulation. */
  indicators: IndicatorCache;
  /** Where load-bars records the ranges it cached, so later submits of them skip it. */
  barsCached: BarsCachedHints;
  /** Where a written result's bytes are counted against its owner's disk limit. */
  diskUsage: DiskUsage;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * How long a backtest's status, progress and log events wait to be published together with its
 * next ones: a run that ends within it (most do, in milliseconds) announces its whole life in one
 * Redis script call; a long one sees its first events this much later. See event-publisher.ts.
 */
const EVENT_BATCH_WINDOW_MS = 250;

/**
 * `endedChannel`: the worker's channel (see ended-channel.ts) on which each backtest this process
 * or thread ends is announced to the worker's metrics, instead of a `backtest-finished` job.
 */
export async function createWorkerDeps(
  config: Config,
  redisUrl: string,
  logger: Logger,
  endedChannel: string,
): Promise<WorkerDeps> {
  const redis = createRedisConnection(redisUrl);
  redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const prefix = config.QUEUE_PREFIX;
  const store = await createStore({ mongodbUrl: config.MONGODB_URL, dataRoot: config.DATA_ROOT });
  const bars = await openBarSource(config);
  const events = new BacktestEventPublisher(redis, prefix, {
    batchWindowMs: EVENT_BATCH_WINDOW_MS,
    onError: (error, backtestId) => logger.warn({ err: error, backtestId }, 'events not published'),
  });
  const cancels = new CancelChannel(redis, prefix);
  const notifications = new Queue('notifications', { connection: redis, prefix });
  const ended = endedSender(endedChannel);
  const lifecycle = new BacktestLifecycle({
    store,
    events,
    notifications,
    logger,
    webhookRetry: webhookRetry(config),
    onEnded: (backtestId, status) => ended.post({ backtestId, status }),
  });
  const sweepLifecycle = new SweepLifecycle({
    store,
    events,
    notifications,
    logger,
    webhookRetry: webhookRetry(config),
  });
  return {
    config,
    redis,
    store,
    events,
    cancels,
    lifecycle,
    sweepLifecycle,
    bars,
    indicators: new IndicatorCache(config.DATA_ROOT),
    barsCached: new BarsCachedHints(redis, prefix),
    diskUsage: new DiskUsage(redis, prefix, config.DATA_ROOT),
    logger,
    async close() {
      ended.close();
      await events.flushAll();
      await Promise.allSettled([cancels.close(), notifications.close(), bars.close()]);
      await store.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
