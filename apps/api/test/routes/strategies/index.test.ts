import { listStrategies } from '@hindsight/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/strategies', () => {
  it("lists the engine's strategies with their parameter schemas, unchanged", async () => {
    const response = await t.app.inject({ url: '/api/v1/strategies', headers: bearer(KEYS.alice) });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual(listStrategies());
  });
});
