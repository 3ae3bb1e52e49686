import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('a submit that cannot be queued', () => {
  it('answers 503 HS_ERR_QUEUE_UNAVAILABLE and leaves the written record failed with the reason', async () => {
    await t.app.redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: bearer(KEYS.bob),
      payload: submitBody(),
    });
    expect(response.statusCode, response.body).toBe(503);
    const { error } = response.json();
    expect(error.code).toBe('HS_ERR_QUEUE_UNAVAILABLE');
    expect(error.message).toMatch(/^the job queue is unavailable: /);
    const id = error.details.id as string;
    const record = await t.app.store.getBacktest(id);
    expect(record?.status, 'accepted into the store, never left queued').toBe('failed');
    expect(record?.error?.code).toBe('HS_ERR_QUEUE_UNAVAILABLE');
    const shown = await t.app.inject({ url: `/api/v1/backtests/${id}`, headers: bearer(KEYS.bob) });
    expect(shown.json()).toMatchObject({
      status: 'failed',
      error: { code: 'HS_ERR_QUEUE_UNAVAILABLE' },
    });
  }, 20_000);
});
