import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  KEYS,
  listenLocally,
  startTestApp,
  submitBody,
  type TestApp,
} from '../../support.js';
import { cacheGoog, completeLikeWorker } from '../../worker-double.js';

let t: TestApp;
let base: string;
/** Completed backtests of bob on GOOG, with different returns. */
const completed: string[] = [];

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { headers: { ...bearer(KEYS.bob), ...headers } });
}

async function submit(overrides: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${base}/api/v1/backtests`, {
    method: 'POST',
    headers: { ...bearer(KEYS.bob), 'content-type': 'application/json' },
    body: JSON.stringify(
      submitBody({ symbols: ['GOOG'], start: '2004-08-19', end: '2013-03-01', ...overrides }),
    ),
  });
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  t = await startTestApp();
  base = await listenLocally(t.app);
  const goog = await cacheGoog(t.app);
  for (const strategy of [
    { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    { name: 'buy_and_hold' },
    { name: 'sma_crossover', params: { fast: 5, slow: 60 } },
  ]) {
    const id = await submit({ strategy, tags: ['done'] });
    await completeLikeWorker(t.app, id, goog);
    completed.push(id);
  }
  await submit({ tags: ['waiting'] });
});
afterAll(async () => {
  await t?.close();
});

describe('lists', () => {
  it('GET /backtests counts every match, on every page', async () => {
    const first = (await (await get('/api/v1/backtests?tag=done&limit=2')).json()) as {
      items: unknown[];
      nextCursor: string;
      total: number;
    };
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(3);
    const next = await get(`/api/v1/backtests?tag=done&limit=2&cursor=${first.nextCursor}`);
    expect(((await next.json()) as { total: number }).total).toBe(3);
  });

  it('GET /backtests?sort=-returnPct lists the best return first, runs without one last', async () => {
    type Page = {
      items: Array<{ id: string; summary: { returnPct: number | null } | null }>;
      nextCursor: string | null;
    };
    const returnsOf = async (sort: string) => {
      const seen: Array<number | null> = [];
      let cursor = '';
      for (;;) {
        const response = await get(`/api/v1/backtests?sort=${sort}&limit=2${cursor}`);
        expect(response.status).toBe(200);
        const page = (await response.json()) as Page;
        seen.push(...page.items.map((item) => item.summary?.returnPct ?? null));
        if (page.nextCursor === null) return seen;
        cursor = `&cursor=${page.nextCursor}`;
      }
    };
    const expected = (
      await Promise.all(completed.map(async (id) => (await t.app.store.getBacktest(id))!))
    ).map((record) => record.summary!.returnPct!);
    const best = [...expected].sort((a, b) => b - a);
    expect(await returnsOf('-returnPct')).toEqual([...best, null]);
    expect(await returnsOf('returnPct')).toEqual([...best.reverse(), null]);
    expect((await get('/api/v1/backtests?sort=-luck')).status).toBe(400);
  });

  it('GET /trades?format=csv answers CSV without an Accept header (a download link)', async () => {
    const response = await get(`/api/v1/backtests/${completed[0]}/trades?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${completed[0]}-trades.csv"`,
    );
    expect((await response.text()).split('\r\n')[0]).toMatch(/^symbol,status,size,/);
  });

  it('GET /trades?format=json wins over Accept: text/csv; a bad format is a 400', async () => {
    const json = await get(`/api/v1/backtests/${completed[0]}/trades?format=json`, {
      accept: 'text/csv',
    });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await json.json()) as { trades: unknown[] }).trades.length).toBeGreaterThan(0);
    const bad = await get(`/api/v1/backtests/${completed[0]}/trades?format=xml`);
    expect(bad.status).toBe(400);
  });

  it('GET /logs?level=warn keeps warn and error lines and pages by their seq', async () => {
    const id = completed[1]!;
    const ts = new Date().toISOString();
    const appended = await t.app.store.appendLogs(id, [
      { ts, level: 'debug', message: 'noise' },
      { ts, level: 'warn', message: 'careful' },
      { ts, level: 'info', message: 'fyi' },
      { ts, level: 'error', message: 'broken' },
    ]);
    const after = appended[0]!.seq - 1;
    type Page = { items: Array<{ level: string; message: string }>; nextAfter: number };
    const page = (await (
      await get(`/api/v1/backtests/${id}/logs?level=warn&after=${after}&limit=1`)
    ).json()) as Page;
    expect(page.items.map((l) => l.message)).toEqual(['careful']);
    const next = (await (
      await get(`/api/v1/backtests/${id}/logs?level=warn&after=${page.nextAfter}`)
    ).json()) as Page;
    expect(next.items.map((l) => l.message)).toEqual(['broken']);
    expect((await get(`/api/v1/backtests/${id}/logs?level=loud`)).status).toBe(400);
  });
});
