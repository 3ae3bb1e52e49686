import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskUsage, taskDir } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

// 200 submits of 1M-bar runs once wrote 11 GB in two minutes: what a user's results take is
// counted, and a submit that would take them over the tier's disk limit is refused.
let t: TestApp;
let usage: DiskUsage;
beforeAll(async () => {
  t = await startTestApp({ QUOTA_ACTIVE_FREE: '50', LIMIT_DISK_MB_FREE: '1' });
  usage = new DiskUsage(t.app.redis, t.config.QUEUE_PREFIX, t.config.DATA_ROOT);
});
afterAll(async () => {
  await t?.close();
});

// Hourly bars over 2015-2019: about 1305 weekdays x 16 h = 20880 bars, ~0.5 MB of equity file.
const hourly = submitBody({ symbols: ['synthetic:H'], timeframe: '1h', end: '2019-12-31' });

function submit(body: unknown) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(KEYS.alice),
    payload: body as Record<string, unknown>,
  });
}

/** A result of `bytes` as the worker leaves it: its files on disk, counted for its owner. */
async function resultOf(bytes: number): Promise<string> {
  const response = await submit(submitBody());
  expect(response.statusCode, response.body).toBe(202);
  const id = response.json().id as string;
  await mkdir(taskDir(t.config.DATA_ROOT, id), { recursive: true });
  await writeFile(join(taskDir(t.config.DATA_ROOT, id), 'equity.f64'), Buffer.alloc(bytes));
  await usage.record('alice', id, bytes);
  return id;
}

describe('the disk limit per user', () => {
  it('refuses a run whose result would take the user over it, with HS_ERR_LIMIT disk', async () => {
    expect((await submit(hourly)).statusCode, 'alone it fits').toBe(202);
    const big = await resultOf(600_000);
    const refused = await submit(hourly);
    expect(refused.statusCode, refused.body).toBe(400);
    const { error } = refused.json();
    expect(error.code).toBe('HS_ERR_LIMIT');
    expect(error.details).toMatchObject({ limit: 'disk', max: 1_000_000, tier: 'free' });
    expect(error.details.requested).toBeGreaterThan(1_000_000);

    const deleted = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/backtests/${big}`,
      headers: bearer(KEYS.alice),
    });
    expect(deleted.statusCode).toBe(204);
    expect((await submit(hourly)).statusCode, 'a deleted result no longer counts').toBe(202);
  });

  it('stops counting results removed behind its back (hindsight cleanup)', async () => {
    const cleaned = await resultOf(600_000);
    await rm(taskDir(t.config.DATA_ROOT, cleaned), { recursive: true });
    expect((await submit(hourly)).statusCode).toBe(202);
    expect(await usage.used('alice', 0)).toBe(0);
  });
});
