import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiKeyTier,
  type BacktestEvent,
  type BacktestRecord,
  fingerprintConfig,
  isTerminalStatus,
  parseBacktestRequest,
} from '@hindsight/models';
import {
  BacktestEventHub,
  CancelChannel,
  type Config,
  createLogger,
  createQueues,
  createRedisConnection,
  enqueueBacktest,
  loadConfig,
  type Queues,
  type Redis,
  TIER_PRIORITY,
} from '@hindsight/service';
import { type RedisServerHandle, startTestRedis, uniquePrefix } from '@hindsight/service/testing';
import { createStore, type Store } from '@hindsight/store';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type RunningWorkers, type StartWorkersOptions, startWorkers } from '../src/workers.js';

export interface HarnessOptions {
  progressIntervalMs?: number;
  workerOptions?: StartWorkersOptions['workerOptions'];
  env?: NodeJS.ProcessEnv;
}

/**
 * One worker process's pieces (all four queues, the simulation sandbox) plus what the api does
 * (store writes, flows, the event hub, cancels), on a private prefix and a fresh DATA_ROOT, so
 * tests sharing one redis-server never see each other.
 */
export interface Harness {
  config: Config;
  store: Store;
  redis: Redis;
  queues: Queues;
  hub: BacktestEventHub;
  cancels: CancelChannel;
  running: RunningWorkers;
  /**
   * Writes the record, then adds its jobs: what POST /backtests does. The whole flow, unless
   * `enqueue.barsCached` asks for the simulation job alone (the api's choice for cached bars),
   * or, with `enqueue.indicatorsJob` too, for the indicators jobs and the simulation.
   */
  submit(
    body: unknown,
    owner?: { ownerId?: string; tier?: ApiKeyTier },
    enqueue?: { barsCached?: boolean; indicatorsJob?: boolean },
  ): Promise<BacktestRecord>;
  /** Every event of the backtest from seq 1, in order, as the api's hub delivers them. */
  watch(backtestId: string): Watch;
  close(): Promise<void>;
}

interface Watch {
  events: BacktestEvent[];
  /** performance.now() when each event reached the hub's listener, index for index. */
  arrivals: number[];
  /** Resolves with all events once the terminal one arrived. */
  terminal: Promise<BacktestEvent[]>;
  /** Resolves with the first event that satisfies the predicate. */
  until(predicate: (event: BacktestEvent) => boolean): Promise<BacktestEvent>;
  stop(): void;
}

const TERMINAL_EVENTS = new Set(['completed', 'failed', 'cancelled']);

export async function startHarness(
  redisUrl: string,
  options: HarnessOptions = {},
): Promise<Harness> {
  const dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-worker-'));
  const config = loadConfig({
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: uniquePrefix('worker'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'worker-test', pretty: false });
  const running = await startWorkers({
    config,
    redisUrl,
    logger,
    workerOptions: options.workerOptions ?? {},
    ...(options.progressIntervalMs === undefined
      ? {}
      : { progressIntervalMs: options.progressIntervalMs }),
  });
  const redis = createRedisConnection(redisUrl);
  const store = await createStore({ dataRoot });
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const hub = new BacktestEventHub(redis, config.QUEUE_PREFIX);
  const cancels = new CancelChannel(redis, config.QUEUE_PREFIX);
  const unsubscribes = new Set<() => void>();

  return {
    config,
    store,
    redis,
    queues,
    hub,
    cancels,
    running,
    async submit(body, owner = {}, enqueue = {}) {
      const request = parseBacktestRequest(body);
      const { record } = await store.createBacktest({
        ownerId: owner.ownerId ?? 'alice',
        name: request.name ?? 'test',
        tags: request.tags,
        config: request,
        fingerprint: fingerprintConfig(request),
        idempotencyKey: null,
      });
      await enqueueBacktest(queues, record, {
        priority: TIER_PRIORITY[owner.tier ?? 'pro'],
        barsCached: enqueue.barsCached ?? false,
        indicatorsJob: enqueue.indicatorsJob ?? false,
      });
      return record;
    },
    watch(backtestId) {
      const events: BacktestEvent[] = [];
      const arrivals: number[] = [];
      const waiters = new Set<() => void>();
      const subscribed = hub.subscribe(backtestId, 0, (event) => {
        events.push(event);
        arrivals.push(performance.now());
        for (const waiter of waiters) waiter();
      });
      subscribed.then((unsubscribe) => unsubscribes.add(unsubscribe));
      const until = (predicate: (event: BacktestEvent) => boolean) =>
        new Promise<BacktestEvent>((resolve) => {
          const check = () => {
            const found = events.find(predicate);
            if (found) {
              waiters.delete(check);
              resolve(found);
            }
          };
          waiters.add(check);
          check();
        });
      return {
        events,
        arrivals,
        terminal: until((event) => TERMINAL_EVENTS.has(event.type)).then(() => events),
        until,
        stop: () => {
          subscribed.then((unsubscribe) => unsubscribe());
        },
      };
    },
    async close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await running.close();
      await Promise.allSettled([hub.close(), cancels.close(), queues.close()]);
      await store.close();
      await redis.quit();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}

/** Polls the store until the backtest reaches a terminal status. */
export async function waitForTerminal(
  store: Store,
  backtestId: string,
  timeoutMs = 20_000,
): Promise<BacktestRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await store.getBacktest(backtestId);
    if (record && isTerminalStatus(record.status)) return record;
    if (Date.now() > deadline) {
      throw new Error(`backtest ${backtestId} still ${record?.status} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The setup every worker test file shares: a private redis-server for the file, and a function
 * that starts a harness on it; the harness a test started is closed after that test.
 */
export function useHarness(): (options?: HarnessOptions) => Promise<Harness> {
  let server: RedisServerHandle | undefined;
  let current: Harness | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(async () => {
    await server?.stop();
  });
  return async (options) => {
    if (!server) throw new Error('useHarness() must be called at the top of a test file');
    current = await startHarness(server.url, options);
    return current;
  };
}
