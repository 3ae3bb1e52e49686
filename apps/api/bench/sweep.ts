/**
 * pnpm bench:sweep - the 175-combination SMA grid on GOOG daily (fast 5..50 step 5, slow 10..200
 * step 10, commission 0.002, backtesting.py conventions) submitted over REST to one api process
 * and BENCH_WORKERS worker processes (default 2), timed from the POST until the sweep reads
 * `completed` (cell cache off, so every cell is computed), alternating round by round with
 * backtesting.py 0.6.6's optimize() on the same grid when BTPY_ORACLE (the path of
 * btpy_oracle.py) and BTPY_SRC (the unpacked library) are set, and with a 5-fold rolling
 * walk-forward (inSampleFraction 0.75) on top. Medians of BENCH_ROUNDS (3), with the CPU time
 * the api and worker processes spent meanwhile (their /proc stat), summed, and the time
 * finish-sweep took after the last chunk (the workers' log times). SWEEP_CHUNK_BARS, when
 * set, goes to the api: the default (2,000,000) makes this grid one chunk, run by one worker;
 * 100000 splits it into four, for two.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { importFile, MarketDataCache } from '@hindsight/market-data';
import { findFreePort, startRedisServer } from '@hindsight/redis-server';
import { REPO_ROOT, startProcess } from '@hindsight/service/testing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const GOOG = join(REPO_ROOT, 'fixtures/market-data/GOOG.csv');
const range = (lo: number, hi: number, step: number) =>
  Array.from({ length: Math.floor((hi - lo) / step) + 1 }, (_, i) => lo + i * step);
const BODY = {
  strategy: { name: 'sma_crossover', params: {} },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
  cash: 100_000,
  commission: 0.002,
  conventions: 'backtesting.py',
  cache: false,
  grid: { fast: range(5, 50, 5), slow: range(10, 200, 10) },
};

const WALK_FORWARD_BODY = {
  ...BODY,
  walkForward: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Clock ticks a second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** CPU milliseconds (user + system) a process has used so far. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

interface Timed {
  wallMs: number;
  cpuMs: number;
  /** From the workers' logs: the last chunk done to the sweep finished, finish-sweep's work. */
  finishMs: number;
}

/** From the workers' log lines of this sweep: its last chunk done to its end, in ms. */
function finishMs(outputs: readonly string[], sweepId: string): number {
  let lastChunk = 0;
  let finished = 0;
  for (const line of outputs.flatMap((o) => o.split('\n'))) {
    if (!line.includes(sweepId)) continue;
    const { msg, time } = JSON.parse(line) as { msg: string; time: number };
    if (msg === 'sweep chunk done') lastChunk = Math.max(lastChunk, time);
    if (msg === 'sweep finished') finished = time;
  }
  return finished - lastChunk;
}

const figures = (xs: Timed[]) =>
  `median ${median(xs.map((x) => x.wallMs)).toFixed(0)} ms (${xs.map((x) => x.wallMs.toFixed(0)).join(', ')}), CPU median ${median(xs.map((x) => x.cpuMs)).toFixed(0)} ms, finish-sweep median ${median(xs.map((x) => x.finishMs)).toFixed(0)} ms`;

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-bench-sweep-'));
  const port = await findFreePort();
  const key = 'bench-sweep-key-000000001';
  const env = {
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: 'bench',
    API_KEYS: `${key}:bench:pro`,
    QUOTA_SWEEPS_PRO: '1000',
    RATE_LIMIT_PRO: '1000000',
    ...(process.env.SWEEP_CHUNK_BARS === undefined
      ? {}
      : { SWEEP_CHUNK_BARS: process.env.SWEEP_CHUNK_BARS }),
  };
  const cache = new MarketDataCache({ dataRoot });
  await importFile(cache, { path: GOOG, symbol: 'GOOG', timeframe: '1d' });
  await cache.close();
  const api = await startProcess(
    'apps/api/src/server.ts',
    env,
    new URL(`http://127.0.0.1:${port}/ready`),
    60_000,
  );
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startProcess(
        'apps/worker/src/main.ts',
        { ...env, LOG_LEVEL: 'info' },
        /worker ready/,
        60_000,
      ),
    ),
  );
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const pids = [api, ...workers].map((p) => p.child.pid!);
  const cpuNow = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  const sweepOnce = async (body: object = BODY): Promise<Timed> => {
    const cpu = cpuNow();
    const started = performance.now();
    const response = await fetch(`${base}/sweeps`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    const { id } = (await response.json()) as { id: string };
    for (;;) {
      const view = (await (await fetch(`${base}/sweeps/${id}`, { headers })).json()) as {
        status: string;
      };
      if (view.status === 'completed') {
        const timed = { wallMs: performance.now() - started, cpuMs: cpuNow() - cpu };
        // The worker logs the end just after writing it.
        const logs = () => workers.map((w) => w.output());
        while (!logs().some((o) => o.includes(id) && o.includes('"sweep finished"'))) {
          await sleep(5);
        }
        return { ...timed, finishMs: finishMs(logs(), id) };
      }
      if (view.status !== 'queued' && view.status !== 'running') {
        throw new Error(`sweep ${id} ended ${view.status}`);
      }
      await sleep(5);
    }
  };
  const oracle = process.env.BTPY_ORACLE;
  const source = process.env.BTPY_SRC;
  const btpyOnce = (): number | null => {
    if (oracle === undefined || source === undefined) return null;
    const started = performance.now();
    execFileSync('/usr/bin/python3', [
      oracle,
      '--src',
      source,
      GOOG,
      '--strategy',
      'sma_crossover',
      '--commission',
      '0.002',
      '--optimize',
      'fast=5:50:5',
      'slow=10:200:10',
    ]);
    return performance.now() - started;
  };
  try {
    await sweepOnce(); // warm-up: the worker's first chunk loads and optimises its modules
    const ours: Timed[] = [];
    const theirs: number[] = [];
    const walkForward: Timed[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(await sweepOnce());
      const t = btpyOnce();
      if (t !== null) theirs.push(t);
      walkForward.push(await sweepOnce(WALK_FORWARD_BODY));
    }
    console.log(
      `175-combination GOOG grid over REST, ${WORKERS} worker processes, submit -> completed: ${figures(ours)}`,
    );
    console.log(
      `the same with a 5-fold rolling walk-forward (875 in-sample runs, scored in the chunks, + 10 runs of the folds' best): ${figures(walkForward)}`,
    );
    if (theirs.length > 0) {
      console.log(
        `backtesting.py optimize() on the same grid (python process included): median ${median(theirs).toFixed(0)} ms (${theirs.map((t) => t.toFixed(0)).join(', ')}); speed-up ${(median(theirs) / median(ours.map((x) => x.wallMs))).toFixed(1)}x (target >= 10x)`,
      );
    } else {
      console.log('set BTPY_ORACLE and BTPY_SRC to time backtesting.py optimize() alternately');
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await api.stop();
    await redis.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

await main();
