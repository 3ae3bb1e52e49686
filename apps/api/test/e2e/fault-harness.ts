import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisServerHandle, startRedisServer } from '@hindsight/redis-server';
import {
  findFreePort,
  type ServiceProcess,
  startProcess,
  uniquePrefix,
} from '@hindsight/service/testing';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import { API_KEYS, bearer, KEYS } from '../support.js';

/**
 * Real processes for fault tests: a redis-server on a fixed port that can be killed and started
 * again empty, and api and worker processes that can be killed and restarted on one DATA_ROOT.
 */
export interface FaultRig {
  dataRoot: string;
  redisPort: number;
  redis: RedisServerHandle;
  api: ServiceProcess | undefined;
  /** The worker started last; `workers` holds every one started. */
  worker: ServiceProcess | undefined;
  workers: ServiceProcess[];
  http: string;
  /** SIGKILLs the redis-server and starts an empty one (no persistence) on the same port. */
  restartRedisEmpty(): Promise<void>;
  killRedis(): Promise<void>;
  startRedis(): Promise<void>;
  startApi(env?: Record<string, string>): Promise<void>;
  startWorker(env?: Record<string, string>): Promise<void>;
  kill(process: ServiceProcess | undefined): Promise<void>;
  submit(body: Record<string, unknown>, key?: string): Promise<Response>;
  get(id: string, key?: string): Promise<BacktestView>;
  cancel(id: string, key?: string): Promise<Response>;
  /** Polls the record until `predicate` holds; the error names the last status seen. */
  waitFor(
    id: string,
    predicate: (record: BacktestView) => boolean,
    what: string,
    timeoutMs?: number,
    key?: string,
  ): Promise<BacktestView>;
  close(): Promise<void>;
}

export async function startFaultRig(workerEnv: Record<string, string> = {}): Promise<FaultRig> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-faults-'));
  const redisPort = await findFreePort();
  const apiPort = await findFreePort();
  const prefix = uniquePrefix('faults');
  const common = {
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: prefix,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    API_KEYS,
    // The long runs these tests need (a fault must meet them mid-run) are over the free tier's
    // default bar limit, which is not what they test.
    LIMIT_BARS_FREE: '5000000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
  };
  const rig: FaultRig = {
    dataRoot,
    redisPort,
    redis: await startRedisServer({ port: redisPort }),
    api: undefined,
    worker: undefined,
    workers: [],
    http: `http://127.0.0.1:${apiPort}`,
    async killRedis() {
      process.kill(rig.redis.pid, 'SIGKILL');
      await rig.redis.stop();
    },
    async startRedis() {
      rig.redis = await startRedisServer({ port: redisPort });
    },
    async restartRedisEmpty() {
      await rig.killRedis();
      await rig.startRedis();
    },
    async startApi(env = {}) {
      rig.api = await startProcess(
        'apps/api/src/server.ts',
        { ...common, PORT: String(apiPort), ...env },
        new URL(`${rig.http}/ready`),
      );
    },
    async startWorker(env = {}) {
      rig.worker = await startProcess(
        'apps/worker/src/main.ts',
        {
          ...common,
          WORKER_CONCURRENCY: '1',
          WORKER_METRICS_PORT: String(await findFreePort()),
          RECONCILE_INTERVAL_SECONDS: '1',
          ...workerEnv,
          ...env,
        },
        /worker ready/,
      );
      rig.workers.push(rig.worker);
    },
    async kill(child) {
      if (!child || child.child.exitCode !== null || child.child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.child.once('exit', resolve));
      child.child.kill('SIGKILL');
      await exited;
    },
    submit(body, key = KEYS.bob) {
      return fetch(`${rig.http}/api/v1/backtests`, {
        method: 'POST',
        headers: { ...bearer(key), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    },
    async get(id, key = KEYS.bob) {
      const response = await fetch(`${rig.http}/api/v1/backtests/${id}`, { headers: bearer(key) });
      if (response.status !== 200) throw new Error(`GET ${id}: ${await response.text()}`);
      return (await response.json()) as BacktestView;
    },
    cancel(id, key = KEYS.bob) {
      return fetch(`${rig.http}/api/v1/backtests/${id}/cancel`, {
        method: 'POST',
        headers: bearer(key),
      });
    },
    async waitFor(id, predicate, what, timeoutMs = 60_000, key = KEYS.bob) {
      const deadline = Date.now() + timeoutMs;
      let last: BacktestView | undefined;
      for (;;) {
        last = await rig.get(id, key).catch(() => last);
        if (last && predicate(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(
            `${id} not ${what} within ${timeoutMs} ms; last: ${last?.status} ${JSON.stringify(last?.error)}\n` +
              `worker: ${rig.worker?.output().slice(-1500)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await Promise.allSettled([rig.api?.stop(), ...rig.workers.map((worker) => worker.stop())]);
      await rig.redis.stop();
      rmSync(dataRoot, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Minute bars over years of synthetic data: seconds of work, so a fault can land mid-run. */
export function longRun(symbol: string, years = 2): Record<string, unknown> {
  return {
    name: `long ${symbol}`,
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: [`synthetic:${symbol}`],
    timeframe: '1m',
    start: '2010-01-01',
    end: `${2010 + years}-01-01`,
  };
}
