import type { Bars } from '@hindsight/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, type TestApp } from '../../support.js';
import { readGoog } from '../../worker-double.js';

let t: TestApp;
let goog: Bars;
beforeAll(async () => {
  t = await startTestApp();
  goog = readGoog();
  const last = goog.time[goog.length - 1]!;
  await t.app.marketData.write({ source: 'csv', symbol: 'GOOG', timeframe: '1d' }, goog, {
    coverage: { from: goog.time[0]!, to: last + 1 },
    origin: 'GOOG.csv',
  });
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string) => t.app.inject({ url, headers: bearer(KEYS.alice) });

describe('market data', () => {
  it('GET /market-data/symbols lists what the cache holds', async () => {
    const body = (await get('/api/v1/market-data/symbols')).json();
    expect(body.items).toEqual([
      {
        symbol: 'GOOG',
        source: 'csv',
        timeframe: '1d',
        bars: 2148,
        first: '2004-08-19T00:00:00.000Z',
        last: '2013-03-01T00:00:00.000Z',
        origin: 'GOOG.csv',
        updatedAt: expect.any(String),
      },
    ]);
    expect((await get('/api/v1/market-data/symbols?source=synthetic')).json().items).toEqual([]);
  });

  it('GET /market-data/:symbol/bars returns the columns within the range, up to limit', async () => {
    const body = (
      await get('/api/v1/market-data/GOOG/bars?start=2013-01-01&end=2013-03-02&limit=5')
    ).json();
    const from = goog.time.findIndex((time) => time >= Date.UTC(2013, 0, 1));
    expect(body.total, 'GOOG.csv rows dated 2013-01-02 .. 2013-03-01').toBe(goog.length - from);
    expect(body.truncated).toBe(true);
    expect(body.time).toEqual(Array.from(goog.time.subarray(from, from + 5)));
    expect(body.close).toEqual(Array.from(goog.close.subarray(from, from + 5)));
  });

  it('reads end inclusively, as a backtest does: a date takes its whole day', async () => {
    const times = async (query: string) =>
      (await get(`/api/v1/market-data/GOOG/bars?${query}`)).json().time;
    const lastTwo = [Date.UTC(2013, 1, 28), Date.UTC(2013, 2, 1)];
    expect(Array.from(goog.time.subarray(-2)), 'the last two rows of GOOG.csv').toEqual(lastTwo);
    expect(await times('start=2013-02-28&end=2013-03-01')).toEqual(lastTwo);
    expect(await times('start=2013-02-28&end=2013-02-28'), 'one day').toEqual([lastTwo[0]]);
    expect(
      await times('start=2013-02-28T00:00:00Z&end=2013-03-01T00:00:00Z'),
      'a date-time end takes a bar at exactly that instant',
    ).toEqual(lastTwo);
    const reversed = await get('/api/v1/market-data/GOOG/bars?start=2013-03-01&end=2013-02-28');
    expect(reversed.json().error.code).toBe('HS_ERR_END_BEFORE_START');
  });

  it('answers an uncached symbol with 404 HS_ERR_SYMBOL_NOT_FOUND and a bad one with 400', async () => {
    const missing = await get('/api/v1/market-data/MSFT/bars');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({
      code: 'HS_ERR_SYMBOL_NOT_FOUND',
      message: "no cached bars for symbol 'MSFT' at timeframe 1d",
    });
    expect((await get('/api/v1/market-data/GO%20OG/bars')).statusCode).toBe(400);
    expect((await get('/api/v1/market-data/GOOG/bars?timeframe=2d')).statusCode).toBe(400);
  });
});
