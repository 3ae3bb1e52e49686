import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ARTIFACT_FILES, redisKeys, taskDir } from '@hindsight/service';
import type { ServiceProcess } from '@hindsight/service/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BacktestView } from '../../src/schemas/backtest-view.js';
import type { EquityBody } from '../../src/schemas/result.js';
import {
  bearer,
  KEYS,
  listenLocally,
  startTestApp,
  startWorkerFor,
  submitBody,
  type TestApp,
} from '../support.js';

/**
 * A run of a hundred thousand bars through the real worker (a child process): its equity is
 * saved as binary columns with a ready preview, counted against its owner's disk, served thinned
 * from the preview, and streamed in full, compressed, in the same shape.
 */
let t: TestApp;
let worker: ServiceProcess;
let http: string;

beforeAll(async () => {
  t = await startTestApp();
  http = await listenLocally(t.app);
  worker = await startWorkerFor(t);
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

/** The raw answer: status, headers and the bytes as sent (undecoded). */
function raw(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      request(`${http}${path}`, { headers: { ...bearer(KEYS.bob), ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      })
        .on('error', reject)
        .end();
    },
  );
}

async function json<T>(path: string): Promise<T> {
  const response = await raw(path);
  expect(response.status, response.body.toString()).toBe(200);
  return JSON.parse(response.body.toString()) as T;
}

describe('equity of a long run', () => {
  it('is saved as binary plus preview, counted, thinned from the preview and streamed in full', async () => {
    const submitted = await fetch(`${http}/api/v1/backtests`, {
      method: 'POST',
      headers: { ...bearer(KEYS.bob), 'content-type': 'application/json' },
      body: JSON.stringify(
        submitBody({
          symbols: ['synthetic:SCALE'],
          timeframe: '1m',
          start: '2019-01-01',
          end: '2019-12-31',
        }),
      ),
    });
    expect(submitted.status, await submitted.clone().text()).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    let view: BacktestView;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = await json<BacktestView>(`/api/v1/backtests/${id}`);
    } while (view.status === 'queued' || view.status === 'running');
    expect(view.status, JSON.stringify(view.error)).toBe('completed');

    const thin = await json<EquityBody>(`/api/v1/backtests/${id}/equity?maxPoints=1000`);
    expect(thin.points).toBeGreaterThan(100_000);
    expect(thin.downsampled).toBe(true);
    expect(thin.time.length).toBeLessThanOrEqual(1000);

    const dir = taskDir(t.config.DATA_ROOT, id);
    expect((await stat(join(dir, ARTIFACT_FILES.equity))).size).toBe(24 * thin.points);
    const counted = await t.app.redis.hget(redisKeys.userDisk(t.config.QUEUE_PREFIX, 'bob'), id);
    expect(Number(counted)).toBeGreaterThan(24 * thin.points);

    const zipped = await raw(`/api/v1/backtests/${id}/equity`, { 'accept-encoding': 'gzip' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const full = JSON.parse(gunzipSync(zipped.body).toString()) as EquityBody;
    expect(zipped.body.length, 'compressed well below the text').toBeLessThan(
      JSON.stringify(full).length / 3,
    );
    expect(full.points).toBe(thin.points);
    expect(full.downsampled).toBe(false);
    expect(full.time).toHaveLength(full.points);
    expect(full.equity).toHaveLength(full.points);
    expect(full.drawdownPct).toHaveLength(full.points);
    expect(thin.time[0]).toBe(full.time[0]);
    expect(thin.time.at(-1)).toBe(full.time.at(-1));
    const max = (values: number[]) => values.reduce((a, b) => Math.max(a, b));
    const min = (values: number[]) => values.reduce((a, b) => Math.min(a, b));
    expect(max(thin.equity)).toBe(max(full.equity));
    expect(min(thin.equity)).toBe(min(full.equity));
    expect(min(thin.drawdownPct)).toBe(min(full.drawdownPct));
  }, 120_000);
});
