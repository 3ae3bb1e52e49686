import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  loadOracleCases,
  type OracleCase,
  onePerSeriesAndStrategy,
  oracleMismatches,
  REPOSITORY_ROOT,
} from '@hindsight/backtest/testing';
import { importFile, MarketDataCache } from '@hindsight/market-data';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import type { EquityBody, ResultBody, TradesBody } from '../../src/schemas/result.js';
import { bearer, KEYS, startTestApp, startWorkerFor, type TestApp } from '../support.js';

/**
 * The `backtesting.py` profile through REST, as a frontend meets it: the series imported into the
 * cache, a backtest submitted over HTTP, run by the real worker process, and its result, trades and
 * full equity read back - against backtesting.py 0.6.6 itself (fixtures/oracle/cases.json).
 */
const SERIES: Record<string, { symbol: string; timeframe: '15m' | '1h' | '1d' | '1w' }> = {
  'fixtures/market-data/GOOG.csv': { symbol: 'GOOG', timeframe: '1d' },
  'fixtures/market-data/EURUSD.csv': { symbol: 'EURUSD', timeframe: '1h' },
  'fixtures/oracle/data/daily-flat.csv': { symbol: 'FLAT', timeframe: '1d' },
  'fixtures/oracle/data/daily-365.csv': { symbol: 'DAILY365', timeframe: '1d' },
  'fixtures/oracle/data/intraday-24-7.csv': { symbol: 'MIN15', timeframe: '15m' },
  'fixtures/oracle/data/weekly.csv': { symbol: 'WEEKLY', timeframe: '1w' },
};

/** A case of each series (that has an api timeframe) and strategy, with commission and finalize. */
const cases = onePerSeriesAndStrategy(
  loadOracleCases(),
  (c) => c.data in SERIES && c.commission > 0 && c.finalizeTrades,
);

let t: TestApp;
let worker: ServiceProcess;
let http: string;

beforeAll(async () => {
  t = await startTestApp();
  const cache = new MarketDataCache({ dataRoot: t.config.DATA_ROOT });
  try {
    for (const [path, { symbol, timeframe }] of Object.entries(SERIES)) {
      await importFile(cache, { path: join(REPOSITORY_ROOT, path), symbol, timeframe });
    }
  } finally {
    await cache.close();
  }
  http = await t.app.listen({ port: 0, host: '127.0.0.1' });
  worker = await startWorkerFor(t);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${http}/api/v1${path}`, { headers: bearer(KEYS.bob) });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
}

async function submit(c: OracleCase): Promise<string> {
  const { symbol, timeframe } = SERIES[c.data]!;
  const response = await fetch(`${http}/api/v1/backtests`, {
    method: 'POST',
    headers: { ...bearer(KEYS.bob), 'content-type': 'application/json' },
    body: JSON.stringify({
      name: c.name,
      strategy: { name: c.strategy, params: c.params },
      symbols: [symbol],
      timeframe,
      start: String(c.stats.start).slice(0, 10),
      end: String(c.stats.end).slice(0, 10),
      cash: c.cash,
      commission: c.commission,
      finalizeTrades: c.finalizeTrades,
      conventions: 'backtesting.py',
      cache: false,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function completed(id: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 100) {
    const { status, error } = await getJson<BacktestView>(`/backtests/${id}`);
    if (status === 'completed') return;
    if (status !== 'queued' && status !== 'running') {
      throw new Error(`backtest ${id} ended ${status}: ${JSON.stringify(error)}`);
    }
    await sleep(100);
  }
  throw new Error(`backtest ${id} did not complete within 60 s\n${worker.output().slice(-2000)}`);
}

describe('the backtesting.py profile through REST against backtesting.py 0.6.6', () => {
  it('runs a case of every series the api has a timeframe for', () => {
    expect(new Set(cases.map((c) => c.data)).size).toBe(Object.keys(SERIES).length);
  });

  for (const oracle of cases) {
    it(oracle.name, { timeout: 90_000 }, async () => {
      const id = await submit(oracle);
      await completed(id);
      const result = await getJson<ResultBody>(`/backtests/${id}/result`);
      const { trades } = await getJson<TradesBody>(`/backtests/${id}/trades`);
      const equity = await getJson<EquityBody>(`/backtests/${id}/equity`);
      expect(equity.downsampled).toBe(false);
      const problems = oracleMismatches(oracle, {
        stats: result.stats,
        trades,
        equity: equity.equity,
      });
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }
});
