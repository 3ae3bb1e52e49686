import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { BacktestOutput } from '@hindsight/backtest';
import type { Bars, Trade } from '@hindsight/engine';
import { ARTIFACT_FILES, type TradeRecord, taskDir, toTradeRecord } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';
import { cacheGoog, completeLikeWorker } from '../../worker-double.js';

let t: TestApp;
let goog: Bars;
let smaId: string;
let sma: BacktestOutput;
let holdId: string;

async function call(method: 'GET' | 'POST', url: string, extra: Record<string, unknown> = {}) {
  return t.app.inject({ method, url, headers: bearer(KEYS.bob), ...extra });
}

async function submit(overrides: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(KEYS.bob),
    payload: submitBody({
      symbols: ['GOOG'],
      start: '2004-08-19',
      end: '2013-03-01',
      ...overrides,
    }),
  });
  return response.json().id as string;
}

beforeAll(async () => {
  t = await startTestApp();
  goog = await cacheGoog(t.app);
  smaId = await submit({});
  sma = await completeLikeWorker(t.app, smaId, goog);
  holdId = await submit({ strategy: { name: 'buy_and_hold' } });
  await completeLikeWorker(t.app, holdId, goog);
});
afterAll(async () => {
  await t?.close();
});

describe('results of a completed backtest', () => {
  it('GET /result: every statistic, the conventions block and the fingerprint', async () => {
    const response = await call('GET', `/api/v1/backtests/${smaId}/result`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const record = await t.app.store.getBacktest(smaId);
    expect(body.fingerprint).toBe(record?.fingerprint);
    expect(body.stats.returnPct, 'the engine computed it in the worker double').toBe(
      sma.stats.returnPct,
    );
    expect(body.stats.sharpeRatio).toBe(sma.stats.sharpeRatio);
    expect(Object.keys(body.stats).sort(), 'no statistic lost in serialisation').toEqual(
      Object.keys(sma.stats).sort(),
    );
    expect(body.conventions).toEqual(sma.stats.conventions);
    expect(body.params).toEqual({ fast: 10, slow: 30, allowShort: false });
  });

  it('GET /trades: the JSON list, and CSV with Accept: text/csv', async () => {
    const json = (await call('GET', `/api/v1/backtests/${smaId}/trades`)).json();
    expect(json.trades).toHaveLength(sma.simulation.trades.length);
    expect(json.trades[0]).toEqual(toTradeRecord(sma.simulation.trades[0]!));
    expect(json.trades[0].entryTime, 'an instant of a record: ISO 8601 UTC').toMatch(
      /^\d{4}-\d\d-\d\dT00:00:00\.000Z$/,
    );
    expect(json.trades[0].returnPct, 'a percent').toBe(sma.simulation.trades[0]!.returnPct);
    const csv = await call('GET', `/api/v1/backtests/${smaId}/trades`, {
      headers: { ...bearer(KEYS.bob), accept: 'text/csv' },
    });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'symbol,status,size,entryBar,exitBar,entryTime,exitTime,entryPrice,exitPrice,pnl,commission,returnPct,exitReason',
    );
    const rows = sma.simulation.trades.length + sma.simulation.openTrades.length;
    expect(lines).toHaveLength(1 + rows);
    const first = sma.simulation.trades[0]!;
    expect(lines[1]!.split(',').slice(0, 6)).toEqual([
      'GOOG',
      'closed',
      String(first.size),
      String(first.entryBar),
      String(first.exitBar),
      new Date(first.entryTime).toISOString(),
    ]);
  });

  it('GET /trades: trades stored by an older version (epoch ms, fractions) in today’s units', async () => {
    const file = join(taskDir(t.app.config.DATA_ROOT, smaId), ARTIFACT_FILES.trades);
    const current = JSON.parse(await readFile(file, 'utf8'));
    const formatOne = (trade: Trade) => ({ ...trade, returnPct: trade.returnPct / 100 });
    await writeFile(
      file,
      JSON.stringify({
        trades: sma.simulation.trades.map(formatOne),
        openTrades: sma.simulation.openTrades.map(formatOne),
      }),
    );
    try {
      const served = (await call('GET', `/api/v1/backtests/${smaId}/trades`)).json();
      // x / 100 * 100 may differ from x in the last bit.
      const approximately = (trade: TradeRecord) => ({
        ...trade,
        returnPct: expect.closeTo(trade.returnPct, 10),
      });
      expect(served).toEqual({
        trades: current.trades.map(approximately),
        openTrades: current.openTrades.map(approximately),
      });
    } finally {
      await writeFile(file, JSON.stringify(current));
    }
  });

  it('GET /equity: the full series, or at most maxPoints keeping first, last and extremes', async () => {
    const full = (await call('GET', `/api/v1/backtests/${smaId}/equity`)).json();
    expect(Object.keys(full)).toEqual(['points', 'downsampled', 'time', 'equity', 'drawdownPct']);
    expect(full.points).toBe(goog.length);
    expect(full.downsampled).toBe(false);
    expect(full.time).toEqual(Array.from(sma.simulation.time));
    expect(full.equity).toEqual(Array.from(sma.simulation.equity));
    expect(full.drawdownPct).toHaveLength(goog.length);
    const thin = (await call('GET', `/api/v1/backtests/${smaId}/equity?maxPoints=100`)).json();
    expect(thin.downsampled).toBe(true);
    expect(thin.points).toBe(goog.length);
    expect(thin.time.length).toBeLessThanOrEqual(100);
    expect(thin.equity).toHaveLength(thin.time.length);
    expect(thin.drawdownPct, 'one time axis for both').toHaveLength(thin.time.length);
    expect(thin.time[0]).toBe(full.time[0]);
    expect(thin.time.at(-1)).toBe(full.time.at(-1));
    expect(Math.max(...thin.equity)).toBe(Math.max(...full.equity));
    expect(Math.min(...thin.drawdownPct), 'the deepest drawdown survives').toBe(
      Math.min(...full.drawdownPct),
    );
    // Each kept point is the full series' value at that instant, for both series.
    thin.time.forEach((time: number, k: number) => {
      const i = full.time.indexOf(time);
      expect([full.equity[i], full.drawdownPct[i]]).toEqual([thin.equity[k], thin.drawdownPct[k]]);
    });
    const bad = await call('GET', `/api/v1/backtests/${smaId}/equity?maxPoints=2`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('HS_ERR_VALIDATION');
  });

  it('GET /equity as CSV: one row per bar, ISO times', async () => {
    const response = await call('GET', `/api/v1/backtests/${smaId}/equity`, {
      headers: { ...bearer(KEYS.bob), accept: 'text/csv' },
    });
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const rows = response.body.trim().split('\r\n');
    expect(rows[0]).toBe('time,equity,drawdownPct');
    expect(rows).toHaveLength(goog.length + 1);
    expect(rows[1]).toBe(`${new Date(goog.time[0]!).toISOString()},${sma.simulation.equity[0]},0`);
  });

  it('compresses the series for a client that accepts it', async () => {
    const plain = await call('GET', `/api/v1/backtests/${smaId}/equity`);
    const zipped = await call('GET', `/api/v1/backtests/${smaId}/equity`, {
      headers: { ...bearer(KEYS.bob), 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(plain.json());
  });

  it('serves a result written before format 3 (equity.json, no preview) in the current shape', async () => {
    const dir = taskDir(t.config.DATA_ROOT, holdId);
    const columns = JSON.parse((await call('GET', `/api/v1/backtests/${holdId}/equity`)).body) as {
      time: number[];
      equity: number[];
      drawdownPct: number[];
    };
    await writeFile(
      join(dir, 'equity.json'),
      JSON.stringify({
        time: columns.time,
        equity: columns.equity,
        drawdownPct: columns.drawdownPct,
      }),
    );
    await rm(join(dir, ARTIFACT_FILES.equity));
    await rm(join(dir, ARTIFACT_FILES.equityPreview));
    const full = (await call('GET', `/api/v1/backtests/${holdId}/equity`)).json();
    expect(full).toEqual({ points: columns.time.length, downsampled: false, ...columns });
    const thin = (await call('GET', `/api/v1/backtests/${holdId}/equity?maxPoints=60`)).json();
    expect(thin.downsampled).toBe(true);
    expect(thin.time.length).toBeLessThanOrEqual(60);
  });

  it('GET /logs pages with after and limit', async () => {
    const ts = new Date().toISOString();
    await t.app.store.appendLogs(
      smaId,
      ['a', 'b', 'c'].map((message) => ({ ts, level: 'info' as const, message })),
    );
    const first = (await call('GET', `/api/v1/backtests/${smaId}/logs?limit=2`)).json();
    expect(first.items.map((line: { message: string }) => line.message)).toEqual(['a', 'b']);
    const rest = (
      await call('GET', `/api/v1/backtests/${smaId}/logs?after=${first.nextAfter}`)
    ).json();
    expect(rest.items.map((line: { message: string }) => line.message)).toEqual(['c']);
    expect((await call('GET', `/api/v1/backtests/${smaId}/logs?after=-1`)).statusCode).toBe(400);
  });

  it('answers 409 HS_ERR_NOT_READY while a backtest is not completed', async () => {
    const id = await submit({});
    for (const part of ['result', 'trades', 'equity']) {
      const response = await call('GET', `/api/v1/backtests/${id}/${part}`);
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toMatchObject({
        code: 'HS_ERR_NOT_READY',
        message: `backtest '${id}' has no result yet (status queued)`,
      });
    }
  });
});

describe('POST /api/v1/backtests/compare', () => {
  it('puts metrics and drawdowns side by side with the correlation of daily returns', async () => {
    const response = await call('POST', '/api/v1/backtests/compare', {
      payload: { ids: [smaId, holdId] },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.backtests.map((b: { id: string }) => b.id)).toEqual([smaId, holdId]);
    expect(body.backtests[0].metrics.returnPct).toBe(sma.stats.returnPct);
    expect(body.backtests[0].drawdown.maxDrawdownPct).toBe(sma.stats.maxDrawdownPct);
    const [[self, cross], [crossBack, selfHold]] = body.correlation.matrix;
    expect(self, 'a series correlates perfectly with itself').toBeCloseTo(1, 12);
    expect(selfHold).toBeCloseTo(1, 12);
    expect(cross).toBe(crossBack);
    expect(cross).toBeGreaterThan(-1);
    expect(cross).toBeLessThan(1);
    expect(body.correlation.days[0][1], 'GOOG has 2148 bars: 2147 daily returns').toBe(2147);
  });

  it.each([
    [[], 0],
    [['x'], 1],
    [['a', 'b', 'c', 'd', 'e', 'f'], 6],
  ])('refuses %j: HS_ERR_COMPARE_COUNT', async (ids, count) => {
    const response = await call('POST', '/api/v1/backtests/compare', { payload: { ids } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe(`compare takes 2 to 5 backtests, got ${count}`);
  });

  it('answers 404 for an id of another user and 409 for one not completed', async () => {
    const queued = await submit({});
    const notReady = await call('POST', '/api/v1/backtests/compare', {
      payload: { ids: [smaId, queued] },
    });
    expect(notReady.statusCode).toBe(409);
    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests/compare',
      headers: bearer(KEYS.alice),
      payload: { ids: [smaId, holdId] },
    });
    expect(foreign.statusCode).toBe(404);
  });
});

describe('GET /api/v1/analytics/performance-stats', () => {
  it('counts the caller’s backtests by status and finds the best and worst return', async () => {
    const body = (await call('GET', '/api/v1/analytics/performance-stats')).json();
    expect(body.totals.completed).toBe(2);
    const hold = await t.app.store.getBacktest(holdId);
    const returns = [sma.stats.returnPct, hold!.summary!.returnPct!];
    expect(body.returns.bestPct).toBe(Math.max(...returns));
    expect(body.returns.worstPct).toBe(Math.min(...returns));
    expect(body.successRate, 'completed / (completed + failed) = 2 / 2').toBe(1);
    const alice = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/analytics/performance-stats',
        headers: bearer(KEYS.alice),
      })
    ).json();
    expect(alice.totals.all, "alice sees none of bob's").toBe(0);
  });
});
