import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import { importFile, MarketDataCache } from '@hindsight/market-data';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepResultItem, SweepView } from '../../src/schemas/sweep-view.js';
import {
  apiCall,
  bearer,
  type ErrorJson,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  type TestApp,
} from '../support.js';
import { GOOG_SWEEP, range } from './goog-sweep.js';

/**
 * Sweeps end to end on real processes: the api listening, two worker processes sharing the
 * chunks, the 175-combination GOOG grid checked cell by cell and in rank against backtesting.py's
 * optimize() (fixtures/sweeps/goog-sma-optimize.json), a resubmit answered from the cell cache,
 * cancel, promote, quotas and bad input.
 */
const oracle = JSON.parse(
  readFileSync(join(REPOSITORY_ROOT, 'fixtures/sweeps/goog-sma-optimize.json'), 'utf8'),
) as {
  cells: Array<{
    fast: number;
    slow: number;
    sharpeRatio: number;
    returnPct: number;
    trades: number;
  }>;
};

let t: TestApp;
let workers: ServiceProcess[] = [];
let http: string;

beforeAll(async () => {
  // About 20 combinations of GOOG's 2,148 bars a chunk: nine chunks for two workers to share.
  t = await startTestApp({ SWEEP_CHUNK_BARS: '45000', SWEEP_COMBOS_FREE: '50' });
  const cache = new MarketDataCache({ dataRoot: t.config.DATA_ROOT });
  try {
    await importFile(cache, {
      path: join(REPOSITORY_ROOT, 'fixtures/market-data/GOOG.csv'),
      symbol: 'GOOG',
      timeframe: '1d',
    });
  } finally {
    await cache.close();
  }
  http = await listenLocally(t.app);
  workers = await Promise.all([startWorkerFor(t), startWorkerFor(t)]);
}, 180_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await t?.close();
});

function call(method: string, path: string, key: string, body?: unknown) {
  return apiCall(http, key, method, path, body);
}

async function submit(body: unknown, key: string = KEYS.bob): Promise<string> {
  const answer = await call('POST', '/sweeps', key, body);
  expect(answer.status, answer.text).toBe(202);
  return answer.body.id as string;
}

async function until(id: string, statuses: string[], key: string = KEYS.bob): Promise<SweepView> {
  for (let i = 0; i < 1200; i++) {
    const { body } = await call('GET', `/sweeps/${id}`, key);
    if (statuses.includes(body.status)) return body as SweepView;
    await sleep(100);
  }
  throw new Error(`sweep ${id} never reached ${statuses.join('/')}`);
}

describe('the 175-combination GOOG grid over REST and two worker processes', () => {
  let id: string;
  let view: SweepView;
  beforeAll(async () => {
    const accepted = await call('POST', '/sweeps', KEYS.bob, GOOG_SWEEP);
    expect(accepted.status, accepted.text).toBe(202);
    expect(accepted.body).toMatchObject({ status: 'queued', combos: { total: 200, skipped: 25 } });
    expect(accepted.headers.get('location')).toBe(`/api/v1/sweeps/${accepted.body.id}`);
    id = accepted.body.id;
    view = await until(id, ['completed', 'failed']);
  }, 180_000);

  it('completes with every combination counted', () => {
    expect(view.status, JSON.stringify(view.error)).toBe('completed');
    expect(view.progress).toBe(1);
    expect(view.combos).toEqual({ total: 200, done: 200, skipped: 25, failed: 0 });
  });

  it('both worker processes ran chunks', () => {
    for (const worker of workers) expect(worker.output()).toMatch(/sweep chunk done/);
  });

  it('ranks as optimize() does: best fast=10 slow=20, the top 20 in its order, with DSR and PSR', () => {
    expect(view.best?.params).toMatchObject({ fast: 10, slow: 20 });
    const byOracle = [...oracle.cells].sort((a, b) => b.sharpeRatio - a.sharpeRatio).slice(0, 20);
    expect(view.leaderboard.map((e) => `${e.params.fast}/${e.params.slow}`)).toEqual(
      byOracle.map((c) => `${c.fast}/${c.slow}`),
    );
    for (const entry of view.leaderboard) {
      expect(entry.deflatedSharpeRatio).toBeGreaterThanOrEqual(0);
      expect(entry.deflatedSharpeRatio!).toBeLessThan(entry.probabilisticSharpeRatio!);
    }
    expect(view.overfitting).toMatchObject({ trials: 175, partitions: 16, splits: 12_870 });
  });

  it('pages every cell, equal to optimize() within 1e-9, and offers them as CSV', async () => {
    const cells: SweepResultItem[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(
        'GET',
        `/sweeps/${id}/results?limit=60${cursor === null ? '' : `&cursor=${cursor}`}`,
        KEYS.bob,
      );
      expect(page.status, page.text).toBe(200);
      cells.push(...page.body.items);
      cursor = page.body.next;
    } while (cursor !== null);
    expect(cells.map((c) => c.index)).toEqual(range(0, 199, 1));
    expect(cells.filter((c) => c.status === 'skipped')).toHaveLength(25);
    for (const expected of oracle.cells) {
      const cell = cells.find(
        (c) => c.params.fast === expected.fast && c.params.slow === expected.slow,
      );
      const where = `fast=${expected.fast} slow=${expected.slow}`;
      expect(cell?.status, where).toBe('completed');
      const stats = cell?.stats;
      if (!stats) throw new Error(`${where}: no statistics`);
      expect(stats.trades, where).toBe(expected.trades);
      expect(Math.abs(stats.sharpeRatio! - expected.sharpeRatio), where).toBeLessThan(
        1e-9 * Math.abs(expected.sharpeRatio),
      );
      expect(Math.abs(stats.returnPct - expected.returnPct), where).toBeLessThan(
        1e-9 * Math.abs(expected.returnPct),
      );
    }
    const csv = await fetch(`${http}/api/v1/sweeps/${id}/results?limit=1000`, {
      headers: { ...bearer(KEYS.bob), accept: 'text/csv' },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(201);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['index', 'status', 'fast', 'slow']);
    const sharpe = header.indexOf('sharpeRatio');
    const row = lines.find((l) => l.startsWith('1,'))!.split(',');
    const expected = oracle.cells.find((c) => c.fast === 5 && c.slow === 20)!;
    expect(Number(row[sharpe])).toBe(cells[1]!.stats?.sharpeRatio);
    expect(cells[1]!.params).toMatchObject({ fast: 5, slow: 20 });
    expect(Math.abs(Number(row[sharpe]) - expected.sharpeRatio)).toBeLessThan(1e-9);
  });

  it('a resubmitted sweep is answered from the cell cache, computing nothing', async () => {
    const again = await submit(GOOG_SWEEP);
    const done = await until(again, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.leaderboard).toEqual(view.leaderboard);
    const chunks = workers
      .flatMap((w) => w.output().split('\n'))
      .filter((line) => line.includes(again) && line.includes('sweep chunk done'))
      .map((line) => JSON.parse(line) as { computed: number; reused: number });
    expect(chunks.length).toBeGreaterThan(0);
    expect(
      chunks.every((chunk) => chunk.computed === 0),
      JSON.stringify(chunks),
    ).toBe(true);
    expect(chunks.reduce((sum, chunk) => sum + chunk.reused, 0)).toBe(175);
  });

  it('promotes the best combination to a full backtest', async () => {
    const promoted = await call('POST', `/sweeps/${id}/promote`, KEYS.bob);
    expect(promoted.status, promoted.text).toBe(202);
    const backtest = await call('GET', `/backtests/${promoted.body.id}`, KEYS.bob);
    expect(backtest.body.config.strategy.params).toMatchObject({ fast: 10, slow: 20 });
    expect(backtest.body.config.conventions).toBe('backtesting.py');
  });

  it('lists the sweep, and hides it from another user', async () => {
    const list = await call('GET', '/sweeps?limit=100', KEYS.bob);
    expect(list.body.items.map((s: SweepView) => s.id)).toContain(id);
    const other = await call('GET', `/sweeps/${id}`, KEYS.alice);
    expect(other.status).toBe(404);
    expect((other.body as ErrorJson).error.code).toBe('HS_ERR_SWEEP_NOT_FOUND');
  });
});

describe('cancel and delete', () => {
  it('cancels a sweep at once, refuses a second cancel, and deletes it', async () => {
    const id = await submit({ ...GOOG_SWEEP, cache: false, name: 'to cancel' });
    const cancelled = await call('POST', `/sweeps/${id}/cancel`, KEYS.bob);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const again = await call('POST', `/sweeps/${id}/cancel`, KEYS.bob);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('HS_ERR_SWEEP_ALREADY_TERMINAL');
    const promote = await call('POST', `/sweeps/${id}/promote`, KEYS.bob);
    expect(promote.body.error.code).toBe('HS_ERR_SWEEP_NOT_READY');
    // Whatever a worker was doing stops: the sweep stays cancelled.
    await sleep(500);
    expect((await call('GET', `/sweeps/${id}`, KEYS.bob)).body.status).toBe('cancelled');
    expect((await call('DELETE', `/sweeps/${id}`, KEYS.bob)).status).toBe(204);
    expect((await call('GET', `/sweeps/${id}`, KEYS.bob)).status).toBe(404);
  });
});

describe('bad input and limits: coded errors at submit', () => {
  it.each([
    [
      'a value off the schema',
      { grid: { fast: [0, 5], slow: [20] } },
      400,
      'HS_ERR_BAD_STRATEGY_PARAMS',
    ],
    ['an unknown parameter', { grid: { speed: [1] } }, 400, 'HS_ERR_BAD_STRATEGY_PARAMS'],
    [
      'every combination refused',
      { grid: { fast: [50], slow: [10, 20] } },
      400,
      'HS_ERR_SWEEP_EMPTY',
    ],
    ['an unknown objective', { objective: 'luck' }, 400, 'HS_ERR_VALIDATION'],
    ['an empty grid', { grid: {} }, 400, 'HS_ERR_VALIDATION'],
    [
      'an unknown strategy',
      { strategy: { name: 'nope', params: {} } },
      400,
      'HS_ERR_UNKNOWN_STRATEGY',
    ],
    ['a symbol never imported', { symbols: ['NOPE'] }, 400, 'HS_ERR_SYMBOL_UNAVAILABLE'],
  ])('%s', async (_, override, status, code) => {
    const answer = await call('POST', '/sweeps', KEYS.bob, { ...GOOG_SWEEP, ...override });
    expect(answer.status, answer.text).toBe(status);
    expect(answer.body.error.code).toBe(code);
  });

  it('the tier bounds combinations per sweep (free: 50 here), counting before expanding', async () => {
    const answer = await call('POST', '/sweeps', KEYS.alice, GOOG_SWEEP);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'HS_ERR_LIMIT',
      details: { limit: 'combinations', max: 50, requested: 200, tier: 'free' },
    });
    const sampled = await call('POST', '/sweeps', KEYS.alice, {
      ...GOOG_SWEEP,
      search: { mode: 'random', samples: 40, seed: 1 },
    });
    expect(sampled.status, sampled.text).toBe(202);
    expect(sampled.body.combos.total).toBe(40);
    // The free tier runs one sweep at a time.
    const second = await call('POST', '/sweeps', KEYS.alice, {
      ...GOOG_SWEEP,
      search: { mode: 'random', samples: 10, seed: 2 },
    });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe('HS_ERR_SWEEP_QUOTA_EXCEEDED');
    const done = await until(sampled.body.id, ['completed', 'failed'], KEYS.alice);
    expect(done.combos.total).toBe(40);
    expect(done.combos.done).toBe(40);
  });
});
