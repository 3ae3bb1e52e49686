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

describe('GET /api/v1/strategies: the rule language', () => {
  it('describes the functions of rules with their arguments, for completion', async () => {
    const response = await t.app.inject({ url: '/api/v1/strategies', headers: bearer(KEYS.alice) });
    const rules = (response.json().items as { name: string; language?: unknown }[]).find(
      (item) => item.name === 'rules',
    );
    expect(rules?.language).toMatchObject({
      series: ['open', 'high', 'low', 'close', 'volume'],
      functions: expect.arrayContaining([
        expect.objectContaining({
          name: 'bbands_upper',
          args: [
            { name: 'series', kind: 'series' },
            { name: 'period', kind: 'period', minimum: 1, maximum: 10_000 },
            { name: 'k', kind: 'number', minimum: 0, maximum: 100 },
          ],
          returns: 'number',
        }),
      ]),
    });
  });

  it('states the language in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    const schema = JSON.stringify(spec.paths['/api/v1/strategies'].get.responses['200']);
    expect(schema).toContain('"language"');
    expect(schema).toContain('"maxDepth"');
  });
});
