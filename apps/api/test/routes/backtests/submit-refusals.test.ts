import { ALL_TIME } from '@hindsight/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';
import { readGoog } from '../../worker-double.js';

// What a worker used to find out only after retries (HS_ERR_INTERNAL naming an internal
// setting), and runs too large for a worker, are refused at submit with a code that says why.
let t: TestApp;
beforeAll(async () => {
  // No ALPHAVANTAGE_API_KEY; free (alice) allows 3 symbols and 250000 bars by default.
  t = await startTestApp({ QUOTA_ACTIVE_FREE: '50', LIMIT_BARS_BASIC: '1000' });
  await t.app.marketData.write({ source: 'csv', symbol: 'GOOG', timeframe: '1d' }, readGoog(), {
    coverage: ALL_TIME,
    origin: 'GOOG.csv',
  });
});
afterAll(async () => {
  await t?.close();
});

function submit(key: string, body: unknown) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(key),
    payload: body as Record<string, unknown>,
  });
}

async function refused(key: string, body: unknown) {
  const response = await submit(key, body);
  expect(response.statusCode, response.body).toBe(400);
  return response.json().error as { code: string; message: string; details: unknown };
}

describe('submit refuses what cannot run', () => {
  it('an unknown source, naming the sources there are', async () => {
    const error = await refused(KEYS.alice, submitBody({ symbols: ['nosuch:XYZ'] }));
    expect(error.code).toBe('HS_ERR_SYMBOL_UNAVAILABLE');
    expect(error.message).toMatch(
      /unknown source 'nosuch'; use one of csv, synthetic, alphavantage/,
    );
  });

  it('alphavantage without a key, naming ALPHAVANTAGE_API_KEY', async () => {
    const error = await refused(KEYS.alice, submitBody({ symbols: ['alphavantage:IBM'] }));
    expect(error.code).toBe('HS_ERR_SYMBOL_UNAVAILABLE');
    expect(error.message).toMatch(/ALPHAVANTAGE_API_KEY/);
  });

  it('an imported symbol nobody imported, saying how to import it', async () => {
    const error = await refused(KEYS.alice, submitBody({ symbols: ['XYZ'] }));
    expect(error.code).toBe('HS_ERR_SYMBOL_UNAVAILABLE');
    expect(error.message).toMatch(/hindsight data import FILE\.csv --symbol XYZ/);
  });

  it('accepts an imported symbol, also at a coarser timeframe it is resampled to', async () => {
    for (const timeframe of ['1d', '1w']) {
      const body = submitBody({ symbols: ['goog'], timeframe, start: '2005-01-01' });
      const response = await submit(KEYS.alice, body);
      expect(response.statusCode, response.body).toBe(202);
      const record = await t.app.store.getBacktest(response.json().id);
      expect(record?.config.symbols, 'stored in its canonical spelling').toEqual(['GOOG']);
    }
  });

  it('the minute bars of 1970-2100 (the run that took a worker to 7 GB): HS_ERR_LIMIT bars', async () => {
    const body = submitBody({
      symbols: ['synthetic:X'],
      timeframe: '1m',
      start: '1970-01-01',
      end: '2100-01-01',
    });
    const error = await refused(KEYS.bob, body);
    expect(error.code).toBe('HS_ERR_LIMIT');
    expect(error.details).toMatchObject({ limit: 'bars', max: 5_000_000, tier: 'pro' });
    expect((error.details as { requested: number }).requested).toBeGreaterThan(5_000_000);
    expect(error.message).toMatch(/the pro tier allows 5000000/);
  });

  it('bars are counted over all symbols, against the limit configured for the tier', async () => {
    // The admin key is basic here, with LIMIT_BARS_BASIC=1000: 3 x ~522 weekdays is over it.
    const two = submitBody({ symbols: ['synthetic:A'], start: '2018-01-01', end: '2019-12-31' });
    expect((await submit(KEYS.admin, two)).statusCode).toBe(202);
    const error = await refused(KEYS.admin, {
      ...two,
      symbols: ['synthetic:A', 'synthetic:B', 'synthetic:C'],
    });
    expect(error.details).toMatchObject({ limit: 'bars', max: 1000, tier: 'basic' });
  });

  it('more symbols than the tier allows: HS_ERR_LIMIT symbols', async () => {
    const symbols = ['synthetic:A', 'synthetic:B', 'synthetic:C', 'synthetic:D'];
    const error = await refused(KEYS.alice, submitBody({ symbols }));
    expect(error.code).toBe('HS_ERR_LIMIT');
    expect(error.details).toEqual({ limit: 'symbols', max: 3, requested: 4, tier: 'free' });
  });
});

describe('symbols are read in any case, as the cache reads them', () => {
  it('stores synthetic:demo as synthetic:DEMO, with the fingerprint of synthetic:DEMO', async () => {
    const lower = await submit(KEYS.alice, submitBody({ symbols: ['Synthetic:demo'] }));
    const upper = await submit(KEYS.alice, submitBody({ symbols: ['synthetic:DEMO'] }));
    const [a, b] = await Promise.all(
      [lower, upper].map((r) => t.app.store.getBacktest(r.json().id)),
    );
    expect(a?.config.symbols).toEqual(['synthetic:DEMO']);
    expect(a?.fingerprint).toBe(b?.fingerprint);
  });

  it('refuses one series named twice (synthetic:a and synthetic:A)', async () => {
    const error = await refused(
      KEYS.alice,
      submitBody({ symbols: ['synthetic:a', 'synthetic:A'] }),
    );
    expect(error.code).toBe('HS_ERR_VALIDATION');
    expect(error.message).toMatch(/are one series \(synthetic:A\)/);
  });
});
