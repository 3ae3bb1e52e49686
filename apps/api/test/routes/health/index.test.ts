import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('/health and /ready', () => {
  it('answer without a key while everything is up', async () => {
    expect((await t.app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: { redis: { ok: true }, store: { ok: true } },
    });
  });

  it('/ready answers 503 naming Redis once it is gone, while /health stays 200', async () => {
    // The app's own server is stopped by close(); here Redis is shut down under it instead.
    await t.app.redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    const ready = await t.app.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('unavailable');
    expect(ready.json().checks.redis.ok).toBe(false);
    expect(ready.json().checks.store).toEqual({ ok: true });
    expect((await t.app.inject('/health')).statusCode).toBe(200);
  });
});
