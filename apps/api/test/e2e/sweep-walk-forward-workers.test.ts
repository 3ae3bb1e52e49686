import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { barsPerCombination, planSweep, runWalkForward } from '@hindsight/backtest';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import { getStrategy } from '@hindsight/engine';
import { importFile, MarketDataCache, readCsvFile } from '@hindsight/market-data';
import {
  parseSweepRequest,
  sweepObjective,
  toSimulationConfig,
  type WalkForwardSpec,
} from '@hindsight/models';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepView } from '../../src/schemas/sweep-view.js';
import {
  apiCall,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  type TestApp,
} from '../support.js';
import { GOOG_SWEEP } from './goog-sweep.js';

/**
 * A walk-forward sweep's in-sample scoring spread over the chunks, on two worker processes: each
 * chunk scores its own combinations and writes the scores with its cells, finish-sweep only
 * reports. The api's report equals runWalkForward over the same bars in one process, bit for bit;
 * cached cells give their stats to a later sweep, their scores only under the same walk-forward
 * spec and objective key.
 */
const GOOG_CSV = join(REPOSITORY_ROOT, 'fixtures/market-data/GOOG.csv');
const GOOG_BARS = 2148;
const ROLLING: WalkForwardSpec = { folds: 5, mode: 'rolling', inSampleFraction: 0.75 };
/**
 * About 25 combinations a chunk, each its run and its in-sample runs (the api sizes chunks by
 * both): 7 chunks of the 175 runnable ones for the walk-forward sweeps.
 */
const PER_CHUNK = 25;
const CHUNK_BARS = barsPerCombination(GOOG_BARS, ROLLING) * PER_CHUNK;

let t: TestApp;
let workers: ServiceProcess[];
let http: string;

beforeAll(async () => {
  t = await startTestApp({ SWEEP_CHUNK_BARS: String(CHUNK_BARS) });
  const cache = new MarketDataCache({ dataRoot: t.config.DATA_ROOT });
  try {
    await importFile(cache, { path: GOOG_CSV, symbol: 'GOOG', timeframe: '1d' });
  } finally {
    await cache.close();
  }
  http = await listenLocally(t.app);
  workers = await Promise.all([0, 1].map(() => startWorkerFor(t, { WORKER_CONCURRENCY: '1' })));
}, 180_000);
afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.stop()));
  await t?.close();
});

function call(method: string, path: string, body?: unknown) {
  return apiCall(http, KEYS.bob, method, path, body);
}

/** Submits a sweep and waits for it to complete. */
async function sweep(body: Record<string, unknown>): Promise<SweepView> {
  const accepted = await call('POST', '/sweeps', body);
  expect(accepted.status, accepted.text).toBe(202);
  for (let i = 0; i < 1200; i++) {
    const { body: view } = await call('GET', `/sweeps/${accepted.body.id}`);
    if (!['queued', 'running'].includes(view.status)) {
      expect(view.status, JSON.stringify(view.error)).toBe('completed');
      return view as SweepView;
    }
    await sleep(100);
  }
  throw new Error(`sweep never ended\n${workers.map((w) => w.output().slice(-2000)).join('\n')}`);
}

interface ChunkDone {
  chunk: number;
  computed: number;
  reused: number;
  resumed: number;
  scored: number;
}

/** Per worker, the `sweep chunk done` lines of this sweep. */
function chunksDone(sweepId: string): ChunkDone[][] {
  return workers.map((w) =>
    w
      .output()
      .split('\n')
      .filter((line) => line.includes(sweepId) && line.includes('"sweep chunk done"'))
      .map((line) => JSON.parse(line) as ChunkDone),
  );
}

/** The sum of each count over every chunk of the sweep. */
function totals(sweepId: string): Omit<ChunkDone, 'chunk'> {
  const sum = { computed: 0, reused: 0, resumed: 0, scored: 0 };
  for (const done of chunksDone(sweepId).flat()) {
    sum.computed += done.computed;
    sum.reused += done.reused;
    sum.resumed += done.resumed;
    sum.scored += done.scored;
  }
  return sum;
}

/** runWalkForward in this process on the fixture's bars, as the api's JSON carries it. */
async function local(body: Record<string, unknown>) {
  const request = parseSweepRequest(body);
  const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: request.grid });
  const report = await runWalkForward({
    strategy: getStrategy('sma_crossover'),
    symbols: [{ symbol: 'GOOG', bars: await readCsvFile(GOOG_CSV) }],
    simulation: toSimulationConfig(request),
    combos: plan.runnable,
    spec: request.walkForward!,
    objective: sweepObjective(request.objective),
  });
  return JSON.parse(JSON.stringify(report));
}

describe('a walk-forward sweep of the GOOG grid on two worker processes', () => {
  it('scores each chunk in sample on the worker that ran it, and reports as runWalkForward does, bit for bit', async () => {
    const body = { ...GOOG_SWEEP, walkForward: ROLLING, cache: false };
    const view = await sweep(body);
    const done = chunksDone(view.id);
    const chunks = done.flat();
    expect(chunks.length, 'several chunks').toBeGreaterThanOrEqual(7);
    expect(new Set(chunks.map((c) => c.chunk)).size, 'each chunk done once').toBe(chunks.length);
    for (const [w, mine] of done.entries()) {
      expect(
        mine.reduce((n, c) => n + c.scored, 0),
        `worker ${w} scored its chunks`,
      ).toBeGreaterThan(0);
    }
    for (const c of chunks) expect(c.scored, `chunk ${c.chunk}`).toBe(c.computed);
    expect(totals(view.id)).toEqual({ computed: 175, reused: 0, resumed: 0, scored: 175 });
    expect(view.walkForward).toEqual(await local(body));
  });

  it('reuses cached in-sample scores only under the same spec and objective key', async () => {
    // The cells above are cached with their Sharpe ratio scores under ROLLING: another objective
    // reuses every cell's stats, and scores them all again.
    const sortino = { ...GOOG_SWEEP, walkForward: ROLLING, objective: 'sortinoRatio' };
    const first = await sweep(sortino);
    expect(totals(first.id)).toEqual({ computed: 0, reused: 175, resumed: 0, scored: 175 });
    expect(first.walkForward).toEqual(await local(sortino));

    const again = await sweep(sortino);
    expect(totals(again.id)).toEqual({ computed: 0, reused: 175, resumed: 0, scored: 0 });
    expect(again.walkForward).toEqual(first.walkForward);

    // Another spec, the first objective: the stats reused, the scores computed for these windows.
    const anchored = {
      ...GOOG_SWEEP,
      walkForward: { folds: 4, mode: 'anchored', inSampleFraction: 0.6 },
    };
    const other = await sweep(anchored);
    expect(totals(other.id)).toEqual({ computed: 0, reused: 175, resumed: 0, scored: 175 });
    expect(other.walkForward).toEqual(await local(anchored));

    // A sweep without a walk-forward scores nothing.
    const plain = await sweep(GOOG_SWEEP);
    expect(totals(plain.id)).toEqual({ computed: 0, reused: 175, resumed: 0, scored: 0 });
    expect(plain.walkForward).toBeUndefined();
  });
});
