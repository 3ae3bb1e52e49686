import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BacktestEvent,
  type BacktestRecord,
  fingerprintConfig,
  parseBacktestRequest,
} from '@hindsight/models';
import {
  BacktestEventHub,
  createQueues,
  createRedisConnection,
  enqueueBacktest,
  type Queues,
  type Redis,
  redisKeys,
  TASKS_DIR,
  TIER_PRIORITY,
} from '@hindsight/service';
import { type RedisServerHandle, startTestRedis, uniquePrefix } from '@hindsight/service/testing';
import { createStore, type Store } from '@hindsight/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForTerminal } from './harness.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WORKERS = 3;
const BACKTESTS = 30;
/** A Redis Cluster hash tag: every key under it lands in one slot. */
const PREFIX = `{${uniquePrefix('scale')}}`;

interface WorkerProcess {
  child: ChildProcess;
  metricsUrl: string;
  /** Its stdout, one parsed JSON log line each. */
  lines: Record<string, unknown>[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', 'apps/worker/src/main.ts'],
    {
      cwd: REPO,
      env: { ...process.env, ...env, WORKER_METRICS_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part) lines.push(JSON.parse(part));
  });
  return { child, metricsUrl: `http://127.0.0.1:${port}`, lines };
}

async function waitForHealth(worker: WorkerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (worker.child.exitCode !== null) throw new Error('a worker process exited while starting');
    const ok = await fetch(`${worker.metricsUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${worker.metricsUrl}/health did not answer within ${timeoutMs} ms`);
}

/** The value of `name{...labels...}` in a scrape; 0 when the series is absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.slice(0, l.lastIndexOf('}')).includes(labels));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

function stop(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.child.once('exit', () => resolve());
    worker.child.kill('SIGTERM');
  });
}

let redisServer: RedisServerHandle;
let dataRoot: string;
let redis: Redis;
let store: Store;
let queues: Queues;
let hub: BacktestEventHub;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redisServer = await startTestRedis();
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-scale-'));
  const env = {
    REDIS_URL: redisServer.url,
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: PREFIX,
    WORKER_CONCURRENCY: '2',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
  };
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker(env));
  await Promise.all(workers.map((worker) => waitForHealth(worker)));
  redis = createRedisConnection(redisServer.url);
  store = await createStore({ dataRoot });
  queues = createQueues(redis, PREFIX);
  hub = new BacktestEventHub(redis, PREFIX);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(workers.map(stop));
  await Promise.allSettled([hub?.close(), queues?.close()]);
  await store?.close();
  await redis?.quit();
  await redisServer?.stop();
  if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
});

async function submit(i: number): Promise<BacktestRecord> {
  // Distinct parameters: equal configs would be answered from the first one's result.
  const request = parseBacktestRequest({
    name: `scale ${i}`,
    strategy: { name: 'sma_crossover', params: { fast: 5 + i, slow: 60 } },
    symbols: ['synthetic:SCALE'],
    timeframe: '1d',
    start: '2015-01-01',
    end: '2019-12-31',
  });
  const { record } = await store.createBacktest({
    ownerId: 'alice',
    name: request.name ?? 'scale',
    tags: request.tags,
    config: request,
    fingerprint: fingerprintConfig(request),
    idempotencyKey: null,
  });
  await enqueueBacktest(queues, record, { priority: TIER_PRIORITY.pro, barsCached: false });
  return record;
}

async function eventsOf(backtestId: string): Promise<BacktestEvent[]> {
  const events: BacktestEvent[] = [];
  (await hub.subscribe(backtestId, 0, (event) => events.push(event)))();
  return events;
}

describe(`${WORKERS} worker processes on one Redis`, () => {
  it('run every backtest exactly once, and each process runs some', async () => {
    const submitted = [];
    for (let i = 0; i < BACKTESTS; i++) submitted.push(await submit(i));
    const done = await Promise.all(submitted.map((r) => waitForTerminal(store, r.id, 150_000)));

    for (const record of done) {
      expect(record.status, JSON.stringify(record.error)).toBe('completed');
      expect(record.attempts, `attempts of ${record.id}`).toBe(1);
      const events = await eventsOf(record.id);
      const running = events.filter((e) => e.type === 'status' && e.data.status === 'running');
      expect(running, `running transitions of ${record.id}`).toHaveLength(1);
      expect(events.filter((e) => e.type === 'completed')).toHaveLength(1);
    }
    const dirs = await readdir(join(dataRoot, TASKS_DIR));
    expect(dirs.sort()).toEqual(done.map((r) => r.id).sort());

    // Each process's /metrics: the simulations it ran, and the backtests whose notification it
    // handled; across the three, every backtest is counted once.
    const scrapes = await Promise.all(
      workers.map((w) => fetch(`${w.metricsUrl}/metrics`).then((r) => r.text())),
    );
    const simulations = scrapes.map((text) =>
      sample(text, 'worker_jobs_total', 'queue="simulation",outcome="completed"'),
    );
    expect(
      simulations.every((n) => n > 0),
      `simulations per process: ${simulations}`,
    ).toBe(true);
    expect(simulations.reduce((a, b) => a + b, 0)).toBe(BACKTESTS);
    await expect
      .poll(async () => {
        const texts = await Promise.all(
          workers.map((w) => fetch(`${w.metricsUrl}/metrics`).then((r) => r.text())),
        );
        return texts
          .map((t) => sample(t, 'backtest_total', 'status="completed",strategy="sma_crossover"'))
          .reduce((a, b) => a + b, 0);
      })
      .toBe(BACKTESTS);
    expect(scrapes[0]).toMatch(/^backtest_active\{service="worker",service_instance_id=".+"\} 0$/m);
  }, 180_000);

  it('log JSON lines that carry the backtest and job ids on every line of a job', async () => {
    const jobLines = () => workers.flatMap((w) => w.lines).filter((line) => 'backtestId' in line);
    // The simulation's own "completed" line, one per backtest across the processes. A thread's
    // stdout reaches its process asynchronously, so under load the last lines may still be coming.
    const completed = () =>
      jobLines().filter((l) => l.queue === 'simulation' && l.msg === 'completed');
    await expect.poll(() => completed().length, { timeout: 20_000 }).toBe(BACKTESTS);
    expect(new Set(completed().map((l) => l.backtestId)).size).toBe(BACKTESTS);
    expect(jobLines().filter((line) => !line.jobId)).toEqual([]);
  });

  it('keeps every Redis key under the hash-tagged prefix, so a cluster puts them in one slot', async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => !key.startsWith(`${PREFIX}:`))).toEqual([]);
    // And the names the service builds itself (events, cancels), for any backtest id.
    for (const key of [
      redisKeys.eventsChannel(PREFIX),
      redisKeys.eventStream(PREFIX, 'b'),
      redisKeys.eventSeq(PREFIX, 'b'),
      redisKeys.cancelChannel(PREFIX),
      redisKeys.cancelFlag(PREFIX, 'b'),
    ]) {
      expect(key.startsWith(`${PREFIX}:`), key).toBe(true);
    }
  });
});
