import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

/**
 * Cancel when Redis cannot help: a running backtest whose job Redis lost (nobody would hear a
 * signal), and Redis down altogether (a real redis-server killed).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A backtest a worker started: the record says running; Redis has no job of it. */
async function runningWithoutJob(): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(KEYS.bob),
    payload: submitBody(),
  });
  expect(response.statusCode, response.body).toBe(202);
  const id = response.json().id as string;
  await t.app.queues.queues.simulation.remove(`${id}-simulation`, { removeChildren: true });
  expect(await t.app.store.transition(id, { from: ['queued'], to: 'running' })).not.toBeNull();
  return id;
}

function cancel(id: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/backtests/${id}/cancel`,
    headers: bearer(KEYS.bob),
  });
}

describe('POST /backtests/:id/cancel when Redis cannot deliver it', () => {
  it('cancels a running backtest whose job is gone in the store: 200, cancelled', async () => {
    const id = await runningWithoutJob();
    const response = await cancel(id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().status).toBe('cancelled');
    expect((await t.app.store.getBacktest(id))?.status).toBe('cancelled');
  });

  it('answers a fast 503 HS_ERR_CANCEL_UNAVAILABLE for a running backtest while Redis is down', async () => {
    const running = await runningWithoutJob();
    const queued = await runningWithoutJob();
    await t.app.store.transition(queued, { from: ['running'], to: 'queued' });
    process.kill(t.redis.pid, 'SIGKILL');
    await t.redis.stop();

    const response = await cancel(running);
    expect(response.statusCode, response.body).toBe(503);
    expect(response.json().error.code).toBe('HS_ERR_CANCEL_UNAVAILABLE');
    // Was 500 after 4-7 s; a cancel that cannot be delivered says so (each Redis call is capped).
    expect((await t.app.store.getBacktest(running))?.status).toBe('running');

    // A waiting backtest needs no worker: the store cancels it, Redis or not.
    const waiting = await cancel(queued);
    expect(waiting.statusCode, waiting.body).toBe(200);
    expect((await t.app.store.getBacktest(queued))?.status).toBe('cancelled');
  });
});
