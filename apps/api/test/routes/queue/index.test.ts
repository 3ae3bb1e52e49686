import { QUEUE_NAMES } from '@hindsight/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/queue', () => {
  it('is for admin keys only: 403 HS_ERR_FORBIDDEN otherwise', async () => {
    const response = await t.app.inject({ url: '/api/v1/queue', headers: bearer(KEYS.bob) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: 'HS_ERR_FORBIDDEN',
      message: 'GET /api/v1/queue requires an admin API key',
    });
  });

  it('counts jobs per queue and state: one submit of one symbol is 3 jobs', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: bearer(KEYS.bob),
      payload: submitBody(),
    });
    const body = (await t.app.inject({ url: '/api/v1/queue', headers: bearer(KEYS.admin) })).json();
    expect(Object.keys(body.queues)).toEqual([...QUEUE_NAMES]);
    // Bob is pro: priority 0, BullMQ's plain waiting list (lower tiers are prioritized).
    expect(body.queues['market-data'].counts.waiting, 'load-bars, bob is pro').toBe(1);
    expect(body.queues['market-data'].counts.prioritized).toBe(0);
    expect(body.queues.indicators.counts['waiting-children']).toBe(1);
    expect(body.queues.simulation.counts['waiting-children']).toBe(1);
    expect(body.queues.simulation.workers, 'no worker in this test').toBe(0);
    expect(body.queues.simulation.completedLastMinute).toBe(0);
  });
});
