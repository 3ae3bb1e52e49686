import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  type ErrorJson,
  KEYS,
  listenLocally,
  startTestApp,
  type TestApp,
} from '../support.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await listenLocally(t.app);
});
afterAll(async () => {
  await t?.close();
});

/** A 200's body has totals; anything else is an error body. */
type Answer = ErrorJson & { totals: { all: number } };

async function get(path: string) {
  const response = await fetch(`${base}${path}`, { headers: bearer(KEYS.alice) });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe('ranges: one rule for analytics, lists and submits', () => {
  it('says in words what a from that is not a date should be', async () => {
    const { status, body } = await get('/api/v1/analytics/performance-stats?from=yesterday');
    expect(status).toBe(400);
    expect(body.error.code).toBe('HS_ERR_VALIDATION');
    expect(body.error.message).toBe(
      'invalid request: /from must be a date (2015-01-01) or a date-time with an offset (2015-01-01T09:30:00Z)',
    );
  });

  it('refuses analytics from after to with HS_ERR_END_BEFORE_START, as a submit does', async () => {
    const { status, body } = await get(
      '/api/v1/analytics/performance-stats?from=2026-02-01&to=2026-01-01',
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'HS_ERR_END_BEFORE_START',
      message: 'to 2026-01-01 must be after from 2026-02-01',
    });
    const submit = await fetch(`${base}/api/v1/backtests`, {
      method: 'POST',
      headers: { ...bearer(KEYS.alice), 'content-type': 'application/json' },
      body: JSON.stringify({
        strategy: { name: 'buy_and_hold' },
        symbols: ['synthetic:DEMO'],
        start: '2020-01-01',
        end: '2019-01-01',
      }),
    });
    expect(submit.status).toBe(400);
    expect(((await submit.json()) as ErrorJson).error).toMatchObject({
      code: 'HS_ERR_END_BEFORE_START',
      message: 'end 2019-01-01 must be after start 2020-01-01',
    });
  });

  it('refuses a list createdFrom after createdTo the same way', async () => {
    const { status, body } = await get(
      '/api/v1/backtests?createdFrom=2026-02-01&createdTo=2026-01-01T00:00:00Z',
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('HS_ERR_END_BEFORE_START');
  });

  it('answers a range in order with 200', async () => {
    const { status, body } = await get(
      '/api/v1/analytics/performance-stats?from=2026-01-01&to=2026-02-01',
    );
    expect(status).toBe(200);
    expect(body.totals.all).toBe(0);
  });
});
