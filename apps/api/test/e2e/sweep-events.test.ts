import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@hindsight/backtest/testing';
import { importFile, MarketDataCache } from '@hindsight/market-data';
import type { SweepEvent } from '@hindsight/models';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepView } from '../../src/schemas/sweep-view.js';
import {
  apiCall,
  bearer,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  type TestApp,
} from '../support.js';
import { type WatchedSocket, watch } from '../ws-client.js';
import { GOOG_SWEEP, range } from './goog-sweep.js';

/**
 * /ws/sweep/:id end to end: the api listening, a real worker process publishing the sweep's
 * progress, leaderboard and end through the private Redis, and real WebSocket clients.
 */

let t: TestApp;
let worker: ServiceProcess;
let http: string;
let ws: string;

beforeAll(async () => {
  t = await startTestApp({ SWEEP_CHUNK_BARS: '45000' });
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
  ws = `${http.replace(/^http/, 'ws')}/ws/sweep`;
  worker = await startWorkerFor(t);
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

function call(method: string, path: string, key: string, body?: unknown) {
  return apiCall(http, key, method, path, body);
}

const TERMINAL = ['completed', 'failed', 'cancelled'];
const ended = (events: SweepEvent[]) => events.some((e) => TERMINAL.includes(e.type));

describe('a sweep watched from submit to its end', () => {
  let id: string;
  let live: WatchedSocket<SweepEvent>;
  let close: { code: number; reason: string };
  beforeAll(async () => {
    const accepted = await call('POST', '/sweeps', KEYS.bob, GOOG_SWEEP);
    expect(accepted.status, accepted.text).toBe(202);
    id = accepted.body.id;
    live = watch<SweepEvent>(`${ws}/${id}`, bearer(KEYS.bob));
    await live.until(ended, 120_000);
    close = await live.closed;
  }, 180_000);

  it('sends the GET view as the snapshot first', () => {
    const [snapshot] = live.events;
    expect(snapshot?.type).toBe('snapshot');
    const view = snapshot!.data as unknown as SweepView;
    expect(view.id).toBe(id);
    expect(view.combos.total).toBe(200);
  });

  it('then progress and leaderboard events with consecutive seqs, then completed, then 1000', () => {
    const after = live.events.slice(1);
    const seqs = after.map((e) => e.seq);
    expect(seqs[0]).toBe(live.events[0]!.seq + 1);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(after.at(-1)?.type).toBe('completed');
    expect(after.slice(0, -1).every((e) => e.type === 'progress' || e.type === 'leaderboard')).toBe(
      true,
    );
    expect(close.code).toBe(1000);
  });

  it('progress counts rise to every combination', () => {
    const progress = live.events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    const done = progress.map((e) => e.data.done);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(progress.at(-1)?.data).toEqual({
      progress: 1,
      total: 200,
      done: 200,
      skipped: 25,
      failed: 0,
    });
  });

  it('the last leaderboard and the completed event agree with GET /sweeps/:id', async () => {
    const view = (await call('GET', `/sweeps/${id}`, KEYS.bob)).body as SweepView;
    const boards = live.events.filter((e) => e.type === 'leaderboard');
    const last = boards.at(-1)!.data;
    expect(last).toMatchObject({ objective: 'sharpeRatio', direction: 'max', ranked: 175 });
    expect(last.entries).toHaveLength(10);
    expect(last.entries.map((e) => e.params)).toEqual(
      view.leaderboard.slice(0, 10).map((e) => e.params),
    );
    expect(last.entries.map((e) => e.value)).toEqual(
      view.leaderboard.slice(0, 10).map((e) => e.stats.sharpeRatio),
    );
    const completed = live.events.at(-1)!;
    expect(completed.data).toEqual({ best: { params: view.best!.params } });
  });

  it('?after= replays what a client missed, the same events with the same seqs', async () => {
    const from = live.events[1]!.seq;
    const again = watch<SweepEvent>(`${ws}/${id}?after=${from}`, bearer(KEYS.bob));
    await again.until(ended);
    expect((await again.closed).code).toBe(1000);
    expect(again.events[0]?.type).toBe('snapshot');
    expect(again.events.slice(1)).toEqual(live.events.slice(2));
  });

  it('another user connecting to it is refused as for a backtest: 4404', async () => {
    const other = watch<SweepEvent>(`${ws}/${id}`, bearer(KEYS.alice));
    expect(await other.closed).toMatchObject({ code: 4404, reason: `sweep '${id}' not found` });
    expect(other.events).toEqual([]);
  });

  it('a bad key is refused with 4401', async () => {
    const other = watch<SweepEvent>(`${ws}/${id}`, bearer('not-a-key-000000000000'));
    expect((await other.closed).code).toBe(4401);
  });
});

describe('a cancelled sweep', () => {
  it('ends its channel with `cancelled`', async () => {
    // Far more combinations than the worker finishes before the cancel.
    const big = { ...GOOG_SWEEP, grid: { fast: range(1, 40, 1), slow: range(41, 240, 1) } };
    const accepted = await call('POST', '/sweeps', KEYS.bob, big);
    expect(accepted.status, accepted.text).toBe(202);
    const id = accepted.body.id as string;
    const client = watch<SweepEvent>(`${ws}/${id}`, bearer(KEYS.bob));
    await client.until((events) => events.length > 0);
    const cancel = await call('POST', `/sweeps/${id}/cancel`, KEYS.bob);
    expect(cancel.status, cancel.text).toBe(200);
    await client.until(ended);
    expect(client.events.at(-1)).toMatchObject({ type: 'cancelled', data: { reason: null } });
    expect((await client.closed).code).toBe(1000);
  }, 60_000);
});
