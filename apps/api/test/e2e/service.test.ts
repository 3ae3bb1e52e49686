import type { AddressInfo } from 'node:net';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '../../src/routes/ws/index.js';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import type { EquityBody, ResultBody } from '../../src/schemas/result.js';
import {
  bearer,
  KEYS,
  startTestApp,
  startWorkerFor,
  submitBody,
  type TestApp,
} from '../support.js';
import { watch } from '../ws-client.js';

/**
 * The service end to end: this api in-process, the real worker as a child process, one
 * redis-server and one DATA_ROOT shared by both, real HTTP and WebSocket connections.
 */
let t: TestApp;
let worker: ServiceProcess;
let http: string;
let ws: string;

beforeAll(async () => {
  t = await startTestApp({ WORKER_CONCURRENCY: '2' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  http = `http://127.0.0.1:${port}`;
  ws = `ws://127.0.0.1:${port}/ws/backtest`;
  worker = await startWorkerFor(t, { WORKER_CONCURRENCY: '2' });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

async function submit(body: Record<string, unknown>, key: string = KEYS.bob): Promise<string> {
  const response = await fetch(`${http}/api/v1/backtests`, {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${http}${path}`, { headers: { ...bearer(KEYS.bob), ...headers } });
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await get(path)).json()) as T;
}

describe('a backtest through api, queues and worker', () => {
  it('submits, streams every event in order to completion, then serves the results', async () => {
    const id = await submit(submitBody());
    const client = watch(`${ws}/${id}?after=0`, bearer(KEYS.bob));
    const closed = await client.closed;
    expect(closed.code, worker.output().slice(-2000)).toBe(WS_CLOSE.done);
    const types = client.events.map((e) => e.type);
    expect(types[0]).toBe('snapshot');
    expect(types.at(-1)).toBe('completed');
    expect(types).toContain('progress');
    const seqs = client.events.slice(1).map((e) => e.seq);
    expect(seqs, 'each seq once, in order, none skipped').toEqual(
      seqs.map((_, i) => (seqs[0] ?? 1) + i),
    );

    const record = await getJson<BacktestView>(`/api/v1/backtests/${id}`);
    expect(record).toMatchObject({ status: 'completed', progress: 1 });
    const result = await getJson<ResultBody>(`/api/v1/backtests/${id}/result`);
    expect(result.stats.returnPct).toBe(record.summary?.returnPct);
    expect(result.fingerprint).toBe(record.fingerprint);
    const trades = await get(`/api/v1/backtests/${id}/trades`, { accept: 'text/csv' });
    expect(trades.headers.get('content-type')).toMatch(/^text\/csv/);
    const equity = await getJson<EquityBody>(`/api/v1/backtests/${id}/equity?maxPoints=64`);
    expect(equity.equity.length).toBeLessThanOrEqual(64);
    const logs = await getJson<{ items: unknown[] }>(`/api/v1/backtests/${id}/logs`);
    expect(logs.items.length).toBeGreaterThan(0);
  }, 60_000);

  it('cancels a running backtest: 202, then `cancelled` on the socket', async () => {
    // Minute bars over ten years: long enough to still be simulating when the cancel arrives.
    const id = await submit(
      submitBody({
        symbols: ['synthetic:LONGRUN'],
        timeframe: '1m',
        start: '2010-01-01',
        end: '2020-01-01',
      }),
    );
    const client = watch(`${ws}/${id}?after=0`, bearer(KEYS.bob));
    await client.until(
      (events) =>
        events.some(
          (e) => e.type === 'progress' && (e.data as { step: string }).step === 'simulation',
        ),
      60_000,
    );
    const response = await fetch(`${http}/api/v1/backtests/${id}/cancel`, {
      method: 'POST',
      headers: bearer(KEYS.bob),
    });
    expect(response.status).toBe(202);
    // How fast is measured by `pnpm bench:service`, not asserted here: timings on a CPU that other
    // test files share say nothing but make the suite flaky.
    await client.until((events) => events.some((e) => e.type === 'cancelled'));
    expect((await client.closed).code).toBe(WS_CLOSE.done);
    const record = await getJson<BacktestView>(`/api/v1/backtests/${id}`);
    expect(record.status).toBe('cancelled');
  }, 90_000);
});
