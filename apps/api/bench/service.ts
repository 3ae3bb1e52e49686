/**
 * pnpm bench:service - one api process and one worker process on loopback, a private
 * redis-server and a temporary DATA_ROOT; prints the figures of issue 4 and stops by itself.
 *
 *   submit latency p50/p99 (idle, sequential)
 *   submit -> `completed` event latency p50/p99 (idle, one at a time)
 *   progress event latency worker -> WebSocket client p99 (event ts to receipt)
 *   sustained backtests per second (a queue of N, all distinct: cache off), with the submit and
 *   submit -> `completed` latencies p50/p99 under that load, Redis commands per backtest and the
 *   CPU milliseconds one backtest costs the api, the worker and redis-server (a figure that a busy
 *   machine distorts far less than backtests per second: 300/s on two cores needs <= ~6.6 ms)
 *   1,000 users submitting one each and watching it over WebSocket at once
 *   Redis memory after 10,000 completed backtests
 *   cancel -> `cancelled` event latency in each step (data generation, indicators, simulation)
 *
 * BENCH_SCALE=0.1 shrinks every count (for a quick look), BENCH_USERS overrides the crowd size,
 * BENCH_WORKER_CONCURRENCY sets the worker's concurrency (default 8), BENCH_PHASES picks phases
 * (comma-separated of idle, sustained, crowd, memory, cancel; all by default) and BENCH_PROFILE_DIR has
 * the api and worker processes write V8 CPU profiles there (node --cpu-prof) for a look with
 * Chrome DevTools or `node apps/api/bench/top-functions.ts DIR` (which reads only the sustained
 * phase's samples, from the window.json the bench writes beside them).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestEvent } from '@hindsight/models';
import { findFreePort, startRedisServer } from '@hindsight/redis-server';
import { redisKeys } from '@hindsight/service';
import { startProcess } from '@hindsight/service/testing';
import { Redis } from 'ioredis';
import WebSocket from 'ws';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? '8';
const USERS = Number(process.env.BENCH_USERS ?? Math.max(10, Math.round(1_000 * SCALE)));
const MEMORY_RUNS = Math.max(100, Math.round(10_000 * SCALE));
const DEADLINE_MS = 20 * 60_000;
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'idle,sustained,crowd,memory,cancel')
    .split(',')
    .map((p) => p.trim()),
);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const NODE_ARGS = PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];

/** Synthetic daily bars, weekdays only: 2,000 of them in this range (printed at the start). */
const BODY = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['synthetic:BENCH'],
  timeframe: '1d',
  start: '2015-01-01',
  end: '2022-08-31',
  cache: false,
};

/** `calls` per backtest in total and of each command (0.05 or more), from INFO commandstats. */
function redisCallsPer(commandstats: string, backtests: number): string {
  const calls = [...commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)]
    .map((m) => ({ command: m[1]!, per: Number(m[2]) / backtests }))
    .sort((a, b) => b.per - a.per);
  const total = calls.reduce((sum, c) => sum + c.per, 0);
  const top = calls
    .filter((c) => c.per >= 0.05)
    .map((c) => `${c.command} ${c.per.toFixed(1)}`)
    .join(', ');
  return `${total.toFixed(1)} commands (${top})`;
}

/**
 * CPU ms a process has used so far, all its threads (the worker's sandboxes included): utime +
 * stime of /proc/PID/stat, in clock ticks of 10 ms. Linux only; NaN elsewhere.
 */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Threads of a process now (/proc/PID/status); NaN where there is no /proc. */
function threadCount(pid: number | undefined): number {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

/** CPU ms redis-server has used so far (INFO cpu, user + sys, main and background threads). */
function redisCpuMs(info: string): number {
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000;
}

interface Received {
  event: BacktestEvent;
  at: number;
  atWall: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main() {
  const started = Date.now();
  const guard = setTimeout(() => {
    process.stderr.write('bench:service exceeded its deadline; stopping\n');
    process.exit(2);
  }, DEADLINE_MS);
  guard.unref();

  const redis = await startRedisServer();
  const dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-bench-'));
  const port = await findFreePort();
  const keys = Array.from({ length: USERS }, (_, i) => `bench-key-${String(i).padStart(12, '0')}`);
  const env = {
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: 'bench',
    API_KEYS: keys.map((key, i) => `${key}:user${i}:pro`).join(','),
    QUOTA_ACTIVE_PRO: '1000000',
    RATE_LIMIT_PRO: '1000000',
    WORKER_CONCURRENCY: CONCURRENCY,
  };
  const api = await startProcess(
    'apps/api/src/server.ts',
    env,
    new URL(`http://127.0.0.1:${port}/ready`),
    60_000,
    NODE_ARGS,
  );
  const worker = await startProcess(
    'apps/worker/src/main.ts',
    { ...env, LOG_LEVEL: 'info' },
    /worker ready/,
    60_000,
    NODE_ARGS,
  );
  const base = `http://127.0.0.1:${port}`;
  const wsBase = `ws://127.0.0.1:${port}/ws/backtest`;
  const key = keys[0]!;
  let variant = 0;

  const submit = async (apiKey = key): Promise<{ id: string; ms: number }> => {
    variant++;
    const body = {
      ...BODY,
      strategy: {
        name: 'sma_crossover',
        params: { fast: 5 + (variant % 20), slow: 30 + (variant % 50) },
      },
    };
    const t0 = performance.now();
    const response = await fetch(`${base}/api/v1/backtests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const elapsed = performance.now() - t0;
    if (response.status !== 202)
      throw new Error(`submit: ${response.status} ${await response.text()}`);
    return { id: ((await response.json()) as { id: string }).id, ms: elapsed };
  };

  /**
   * Resolves at the terminal event, with every event and the receipt time of each: `at` on the
   * monotonic clock, `atWall` on the wall clock that event timestamps use.
   */
  const follow = (id: string, apiKey = key) =>
    new Promise<Received[]>((resolve, reject) => {
      const received: Received[] = [];
      const socket = new WebSocket(`${wsBase}/${id}?after=0`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as BacktestEvent;
        received.push({ event, at: performance.now(), atWall: Date.now() });
        if (event.type === 'failed')
          reject(new Error(`backtest ${id} failed: ${JSON.stringify(event.data)}`));
      });
      socket.on('close', () => {
        const last = received.at(-1)?.event.type;
        if (last === 'completed') resolve(received);
        else reject(new Error(`socket of ${id} closed after ${last}`));
      });
      socket.on('error', reject);
    });

  /** Submits a long run, cancels it once `step` reports progress; ms to the `cancelled` event. */
  const cancelDuring = async (step: string, symbol: string): Promise<number> => {
    const response = await fetch(`${base}/api/v1/backtests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...BODY,
        symbols: [symbol],
        timeframe: '1m',
        start: '2005-01-01',
        end: '2015-01-01',
      }),
    });
    if (response.status !== 202)
      throw new Error(`submit: ${response.status} ${await response.text()}`);
    const { id } = (await response.json()) as { id: string };
    return new Promise<number>((resolve, reject) => {
      let requested: number | null = null;
      const socket = new WebSocket(`${wsBase}/${id}?after=0`, {
        headers: { authorization: `Bearer ${key}` },
      });
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as BacktestEvent;
        const progress = event.data as { step?: string };
        if (requested === null && event.type === 'progress' && progress.step === step) {
          requested = performance.now();
          fetch(`${base}/api/v1/backtests/${id}/cancel`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}` },
          }).catch(reject);
        } else if (event.type === 'cancelled' && requested !== null) {
          resolve(performance.now() - requested);
          socket.close();
        } else if (event.type === 'completed' || event.type === 'failed') {
          reject(new Error(`backtest ${id} ended ${event.type} before a cancel in ${step}`));
        }
      });
      socket.on('error', reject);
    });
  };

  // Terminal events, counted off the events channel: polling a route for them would load the
  // api (a per-owner scan of every row) while it is being measured.
  const listener = new Redis(redis.url);
  const admin = new Redis(redis.url);
  const finished = { completed: 0, failed: 0, cancelled: 0 };
  let onFinished: () => void = () => {};
  /** performance.now() of each backtest's terminal event, by id (read by the sustained phase). */
  const endedAt = new Map<string, number>();
  listener.on('message', (_channel: string, message: string) => {
    const { backtestId, events } = JSON.parse(message) as {
      backtestId: string;
      events: BacktestEvent[];
    };
    for (const { type } of events) {
      if (type === 'completed' || type === 'failed' || type === 'cancelled') {
        endedAt.set(backtestId, performance.now());
        finished[type]++;
        onFinished();
      }
    }
  });
  await listener.subscribe(redisKeys.eventsChannel(env.QUEUE_PREFIX));
  /** Resolves once `count` backtests have completed in all; throws at the first failure. */
  const completedReach = (count: number) =>
    new Promise<void>((resolve, reject) => {
      onFinished = () => {
        if (finished.failed > 0 || finished.cancelled > 0) {
          reject(new Error(`${finished.failed} failed, ${finished.cancelled} cancelled`));
        } else if (finished.completed >= count) resolve();
      };
      onFinished();
    });

  try {
    // Warm-up: the first run loads the synthetic series into the cache and JIT-compiles.
    let warm = '';
    for (let i = 0; i < 3; i++) {
      warm = (await submit()).id;
      await follow(warm);
    }
    // Then one run per slot at once: the worker starts a sandbox thread per concurrent job on
    // first use (seconds of module loading under tsx) and reuses it afterwards; the phases below
    // measure the steady state, not those start-ups.
    // Rounds of twice as many until a round starts no thread: a thread started inside a phase
    // would put seconds of start-up into its CPU figures.
    for (let round = 0, threads = -1; round < 5; round++) {
      await Promise.all(
        Array.from({ length: 2 * Number(CONCURRENCY) }, async () => follow((await submit()).id)),
      );
      const now = threadCount(worker.child.pid);
      if (now === threads) break;
      threads = now;
    }
    const curve = await fetch(`${base}/api/v1/backtests/${warm}/equity?maxPoints=8`, {
      headers: { authorization: `Bearer ${key}` },
    });
    console.log(`bars per backtest: ${((await curve.json()) as { points: number }).points}`);

    if (PHASES.has('idle')) {
      const submitTimes: number[] = [];
      const endToEnd: number[] = [];
      const progressLatency: number[] = [];
      const idleRuns = Math.max(20, Math.round(200 * SCALE));
      for (let i = 0; i < idleRuns; i++) {
        const t0 = performance.now();
        const { id, ms: submitMs } = await submit();
        const events = await follow(id);
        submitTimes.push(submitMs);
        const completed = events.find((e) => e.event.type === 'completed')!;
        endToEnd.push(completed.at - t0);
        for (const { event, atWall } of events) {
          if (event.type === 'progress') progressLatency.push(atWall - Date.parse(event.ts));
        }
      }
      console.log(
        `submit latency (idle, ${idleRuns} runs): p50 ${ms(percentile(submitTimes, 50))}, p99 ${ms(percentile(submitTimes, 99))}`,
      );
      console.log(
        `submit -> completed event (idle): p50 ${ms(percentile(endToEnd, 50))}, p99 ${ms(percentile(endToEnd, 99))}`,
      );
      console.log(
        `progress event worker -> WebSocket (${progressLatency.length} events): p50 ${ms(percentile(progressLatency, 50))}, p99 ${ms(percentile(progressLatency, 99))}`,
      );
    }

    if (PHASES.has('sustained')) {
      // Sustained throughput: a backlog of distinct backtests, submitted 32 at a time.
      const backlog = Math.max(100, Math.round(2_000 * SCALE));
      const target = finished.completed + backlog;
      await admin.config('RESETSTAT');
      const cpuBefore = {
        api: processCpuMs(api.child.pid),
        worker: processCpuMs(worker.child.pid),
        redis: redisCpuMs(await admin.info('cpu')),
      };
      const t0 = performance.now();
      const windowStartUs = Number(process.hrtime.bigint() / 1000n);
      const submitted: { id: string; at: number; ms: number }[] = [];
      for (let i = 0; i < backlog; i += 32) {
        await Promise.all(
          Array.from({ length: Math.min(32, backlog - i) }, async () => {
            const at = performance.now();
            const { id, ms: submitMs } = await submit();
            submitted.push({ id, at, ms: submitMs });
          }),
        );
      }
      await completedReach(target);
      const seconds = (performance.now() - t0) / 1000;
      if (PROFILE_DIR !== undefined) {
        // The sustained phase on the clock V8 stamps profile samples with, for top-functions.ts.
        const endUs = Number(process.hrtime.bigint() / 1000n);
        writeFileSync(
          join(PROFILE_DIR, 'window.json'),
          JSON.stringify({ startUs: windowStartUs, endUs }),
        );
      }
      const cpuPer = {
        api: (processCpuMs(api.child.pid) - cpuBefore.api) / backlog,
        worker: (processCpuMs(worker.child.pid) - cpuBefore.worker) / backlog,
        redis: (redisCpuMs(await admin.info('cpu')) - cpuBefore.redis) / backlog,
      };
      console.log(
        `sustained: ${backlog} backtests in ${seconds.toFixed(2)} s = ${(backlog / seconds).toFixed(1)} backtests/s`,
      );
      const submitMs = submitted.map((s) => s.ms);
      const toCompleted = submitted.map((s) => (endedAt.get(s.id) ?? Number.NaN) - s.at);
      console.log(
        `  submit latency under load: p50 ${ms(percentile(submitMs, 50))}, p99 ${ms(percentile(submitMs, 99))}; ` +
          `submit -> completed: p50 ${ms(percentile(toCompleted, 50))}, p99 ${ms(percentile(toCompleted, 99))}`,
      );
      console.log(
        `  redis per backtest: ${redisCallsPer(await admin.info('commandstats'), backlog)}`,
      );
      const cpuSum = cpuPer.api + cpuPer.worker + cpuPer.redis;
      console.log(
        `  CPU per backtest: ${cpuSum.toFixed(2)} ms (api ${cpuPer.api.toFixed(2)}, worker ${cpuPer.worker.toFixed(2)}, redis ${cpuPer.redis.toFixed(2)}) = ${(2000 / cpuSum).toFixed(0)} backtests/s on 2 idle cores`,
      );
    }

    if (PHASES.has('crowd')) {
      // 1,000 users at once, each submitting one backtest and watching it.
      const crowdStart = performance.now();
      const crowd = await Promise.allSettled(
        keys.map(async (userKey) => {
          const { id, ms: submitMs } = await submit(userKey);
          await follow(id, userKey);
          return submitMs;
        }),
      );
      const crowdSeconds = (performance.now() - crowdStart) / 1000;
      const ok = crowd.filter((r): r is PromiseFulfilledResult<number> => r.status === 'fulfilled');
      const errors = crowd.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      console.log(
        `${USERS} users at once: ${ok.length} completed, ${errors.length} errors, submit p50 ${ms(
          percentile(
            ok.map((r) => r.value),
            50,
          ),
        )}, p99 ${ms(
          percentile(
            ok.map((r) => r.value),
            99,
          ),
        )}, total ${crowdSeconds.toFixed(2)} s`,
      );
      if (errors.length > 0) console.log(`  first error: ${errors[0]!.reason}`);
    }

    if (PHASES.has('memory')) {
      // Redis memory once MEMORY_RUNS backtests have completed in all, 64 in flight at a time.
      const memoryStart = performance.now();
      while (finished.completed < MEMORY_RUNS) {
        const target = Math.min(MEMORY_RUNS, finished.completed + 64);
        await Promise.all(Array.from({ length: target - finished.completed }, () => submit()));
        await completedReach(target);
      }
      const memorySeconds = (performance.now() - memoryStart) / 1000;
      const info = await admin.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
      const keysCount = await admin.dbsize();
      console.log(
        `Redis after ${finished.completed} completed backtests: ${(used / 1024 / 1024).toFixed(1)} MB used, ${keysCount} keys (filled in ${memorySeconds.toFixed(0)} s)`,
      );
    }
    if (PHASES.has('cancel')) {
      // Cancel while each step runs: a long one-minute series (ten years) that is generated in the
      // data step, then simulated; the time from the cancel request to the `cancelled` event.
      const steps = ['data', 'indicators', 'simulation'];
      const latency: Record<string, number[]> = Object.fromEntries(steps.map((s) => [s, []]));
      for (let run = 0; run < Math.max(3, Math.round(10 * SCALE)); run++) {
        for (const step of steps) {
          latency[step]!.push(await cancelDuring(step, `synthetic:CANCEL${step}${run}`));
        }
      }
      for (const step of steps) {
        const values = latency[step]!;
        console.log(
          `cancel during the ${step} step (${values.length} runs): p50 ${ms(percentile(values, 50))}, max ${ms(Math.max(...values))}`,
        );
      }
    }
  } finally {
    await listener.quit();
    await admin.quit();
    await worker.stop();
    await api.stop();
    await redis.stop();
    rmSync(dataRoot, { recursive: true, force: true });
    console.log(`bench:service finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
