import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runPrepared } from '@hindsight/backtest';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import {
  getStrategy,
  type StrategyDefinition,
  simulationConfig,
  sliceBars,
  sliceSignals,
} from '@hindsight/engine';
import { importFile, MarketDataCache, readCsvFile } from '@hindsight/market-data';
import type { WalkForwardReport } from '@hindsight/models';
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
 * Walk-forward sweeps end to end: the api listening, a worker process, the 175-combination GOOG
 * grid with 5 rolling folds. Each fold's in-sample choice and out-of-sample statistics are
 * checked against runs computed here from the fixture (and fold 0's in-sample run against a
 * standalone backtest over REST), the stitched equity for continuity, the efficiency against its
 * formula; then the coded refusals at submit and the worker's clear failure on a short range.
 */
const GOOG_CSV = join(REPOSITORY_ROOT, 'fixtures/market-data/GOOG.csv');
const GOOG_WALK_FORWARD = {
  ...GOOG_SWEEP,
  walkForward: { folds: 5, mode: 'rolling', inSampleFraction: 0.75 },
};
const BTPY = simulationConfig({ commission: 0.002, conventions: 'backtesting.py' });
const DAY_MS = 86_400_000;

let t: TestApp;
let worker: ServiceProcess;
let http: string;

beforeAll(async () => {
  t = await startTestApp();
  const cache = new MarketDataCache({ dataRoot: t.config.DATA_ROOT });
  try {
    await importFile(cache, { path: GOOG_CSV, symbol: 'GOOG', timeframe: '1d' });
  } finally {
    await cache.close();
  }
  http = await listenLocally(t.app);
  worker = await startWorkerFor(t);
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

function call(method: string, path: string, body?: unknown) {
  return apiCall(http, KEYS.bob, method, path, body);
}

async function until<T extends { status: string }>(path: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const { body } = await call('GET', path);
    if (!['queued', 'running'].includes(body.status)) return body as T;
    await sleep(100);
  }
  throw new Error(`${path} never ended\n${worker.output().slice(-2000)}`);
}

/** A window run computed here: signals on the bars up to the window's end, then the window alone. */
async function windowRun(params: Record<string, unknown>, firstBar: number, lastBar: number) {
  const bars = await readCsvFile(GOOG_CSV);
  const strategy: StrategyDefinition = getStrategy('sma_crossover');
  const signals = strategy.signals(sliceBars(bars, 0, lastBar + 1), params);
  return runPrepared({ strategy, params, simulation: BTPY }, [
    {
      symbol: 'GOOG',
      bars: sliceBars(bars, firstBar, lastBar + 1),
      signals: sliceSignals(signals, firstBar, lastBar + 1),
    },
  ]);
}

function cagrPct(time: ArrayLike<number>, equity: ArrayLike<number>): number {
  const years = (time[time.length - 1]! - time[0]!) / DAY_MS / 365.25;
  return ((equity[equity.length - 1]! / equity[0]!) ** (1 / years) - 1) * 100;
}

describe('a 5-fold rolling walk-forward of the 175-combination GOOG grid over REST', () => {
  let view: SweepView;
  let report: WalkForwardReport;
  beforeAll(async () => {
    const accepted = await call('POST', '/sweeps', GOOG_WALK_FORWARD);
    expect(accepted.status, accepted.text).toBe(202);
    view = await until<SweepView>(`/sweeps/${accepted.body.id}`);
    expect(view.status, JSON.stringify(view.error)).toBe('completed');
    report = view.walkForward!;
  }, 180_000);

  it('completes the grid as a plain sweep does, and reports 5 folds of 808 + 268 bars', () => {
    expect(view.combos).toEqual({ total: 200, done: 200, skipped: 25, failed: 0 });
    expect(view.best?.params).toMatchObject({ fast: 10, slow: 20 });
    expect(view.config.walkForward).toEqual(GOOG_WALK_FORWARD.walkForward);
    expect(report).toMatchObject({
      mode: 'rolling',
      inSampleFraction: 0.75,
      objective: { key: 'sharpeRatio', direction: 'max' },
      inSampleBars: 808,
      outOfSampleBars: 268,
    });
    expect(report.folds.map((f) => [f.inSample.firstBar, f.outOfSample.firstBar])).toEqual([
      [0, 808],
      [268, 1076],
      [536, 1344],
      [804, 1612],
      [1072, 1880],
    ]);
    expect(report.folds.at(-1)!.outOfSample).toMatchObject({
      lastBar: 2147,
      end: '2013-03-01T00:00:00.000Z',
    });
    for (const fold of report.folds) expect(fold.candidates).toBe(175);
  });

  it("fold 0's in-sample run equals a standalone backtest over its dates, bit for bit", {
    timeout: 90_000,
  }, async () => {
    const fold = report.folds[0]!;
    const submitted = await call('POST', '/backtests', {
      strategy: { name: 'sma_crossover', params: fold.params },
      symbols: ['GOOG'],
      start: fold.inSample.start.slice(0, 10),
      end: fold.inSample.end.slice(0, 10),
      cash: 100_000,
      commission: 0.002,
      conventions: 'backtesting.py',
      cache: false,
    });
    expect(submitted.status, submitted.text).toBe(202);
    const done = await until<{ status: string }>(`/backtests/${submitted.body.id}`);
    expect(done.status).toBe('completed');
    const result = await call('GET', `/backtests/${submitted.body.id}/result`);
    expect(result.body.stats).toEqual(fold.inSampleStats);
    expect(fold.inSampleObjective).toBe(result.body.stats.sharpeRatio);
  });

  it('every fold, in and out of sample, equals a run over its window computed here', async () => {
    for (const fold of report.folds) {
      const where = `fold ${fold.fold}`;
      const oos = await windowRun(fold.params, fold.outOfSample.firstBar, fold.outOfSample.lastBar);
      expect(fold.outOfSampleStats, where).toEqual(oos.stats);
      const is = await windowRun(fold.params, fold.inSample.firstBar, fold.inSample.lastBar);
      expect(fold.inSampleStats, where).toEqual(is.stats);
      expect(fold.efficiency, where).toBe(oos.stats.cagrPct! / is.stats.cagrPct!);
    }
  });

  it('stitches the out-of-sample equity without a jump, compounding the windows', () => {
    const { time, equity, points } = report.equity;
    expect(points).toBe(5 * 268);
    expect(time).toHaveLength(points);
    for (let i = 1; i < 5; i++) expect(equity[i * 268], `seam ${i}`).toBe(equity[i * 268 - 1]);
    expect(equity[0]).toBe(100_000);
    const growth = report.folds.reduce((g, f) => g * (f.outOfSampleStats.equityFinal / 100_000), 1);
    expect(equity.at(-1)! / 100_000).toBeCloseTo(growth, 12);
    expect(report.stats.equityFinal).toBe(equity.at(-1));
    expect(report.stats.start).toBe(report.folds[0]!.outOfSample.start);
  });

  it('walk-forward efficiency: stitched CAGR over the mean in-sample CAGR', async () => {
    const inSample = await Promise.all(
      report.folds.map(async (fold) => {
        const run = await windowRun(fold.params, fold.inSample.firstBar, fold.inSample.lastBar);
        return cagrPct(run.simulation.time, run.simulation.equity);
      }),
    );
    const expected =
      cagrPct(report.equity.time, report.equity.equity) /
      (inSample.reduce((a, b) => a + b, 0) / inSample.length);
    expect(Math.abs(report.efficiency! - expected)).toBeLessThan(1e-12 * Math.abs(expected));
  });
});

describe('walk-forward refusals', () => {
  it.each([
    ['one fold', { folds: 1 }],
    ['21 folds', { folds: 21 }],
    ['a fraction of 0', { folds: 5, inSampleFraction: 0 }],
    ['a fraction of 1', { folds: 5, inSampleFraction: 1 }],
    ['an unknown mode', { folds: 5, mode: 'sliding' }],
    ['an unknown field', { folds: 5, gap: 3 }],
    ['no folds', { mode: 'anchored' }],
  ])('%s: 400 at submit', async (_, walkForward) => {
    const answer = await call('POST', '/sweeps', { ...GOOG_WALK_FORWARD, walkForward });
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.error.code).toBe('HS_ERR_VALIDATION');
  });

  it('a range whose first in-sample window cannot warm SMA(200) up fails before any chunk runs', async () => {
    // 300 bars: O = floor(300 * 0.25 / 2) = 37, I = 115.
    const accepted = await call('POST', '/sweeps', { ...GOOG_WALK_FORWARD, end: '2005-10-25' });
    expect(accepted.status, accepted.text).toBe(202);
    const view = await until<SweepView>(`/sweeps/${accepted.body.id}`);
    expect(view.status).toBe('failed');
    expect(view.error?.code).toBe('HS_ERR_WALK_FORWARD_WINDOWS');
    expect(view.error?.message).toMatch(/first in-sample window of 115 bars/);
    expect(view.combos.done - view.combos.skipped).toBe(0);
  });
});
