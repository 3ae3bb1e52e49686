import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ALL_TIME, syntheticBars } from '@hindsight/market-data';
import { ARTIFACT_FILES, taskDir } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../support.js';
import { completeLikeWorker } from '../worker-double.js';

// What one user must not learn about another: which series they study, which backtests they ran.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ QUOTA_ACTIVE_FREE: '50' });
});
afterAll(async () => {
  await t?.close();
});

async function submit(key: string, symbol: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: bearer(key),
    payload: submitBody({ symbols: [symbol] }),
  });
  expect(response.statusCode, response.body).toBe(202);
  return response.json().id;
}

const bars = syntheticBars('X', {
  timeframe: '1d',
  start: Date.UTC(2015, 0, 1),
  end: Date.UTC(2021, 0, 1),
});

describe('GET /market-data/symbols lists what the caller may know of', () => {
  beforeAll(async () => {
    for (const [source, symbol] of [
      ['synthetic', 'ALICEONLY'],
      ['synthetic', 'BOBONLY'],
      ['csv', 'GOOG'],
    ] as const) {
      await t.app.marketData.write({ source, symbol, timeframe: '1d' }, bars, {
        coverage: ALL_TIME,
        origin: source,
      });
    }
    await submit(KEYS.alice, 'synthetic:aliceonly');
    await submit(KEYS.bob, 'synthetic:BOBONLY');
  });

  const listed = async (key: string) => {
    const response = await t.app.inject({
      url: '/api/v1/market-data/symbols',
      headers: bearer(key),
    });
    expect(response.statusCode, response.body).toBe(200);
    return response
      .json()
      .items.map((item: { symbol: string }) => item.symbol)
      .sort();
  };

  it('a user: imported series and the series their own backtests named', async () => {
    expect(await listed(KEYS.alice)).toEqual(['GOOG', 'synthetic:ALICEONLY']);
    expect(await listed(KEYS.bob)).toEqual(['GOOG', 'synthetic:BOBONLY']);
  });

  it('an admin: every series', async () => {
    expect(await listed(KEYS.admin)).toEqual(['GOOG', 'synthetic:ALICEONLY', 'synthetic:BOBONLY']);
  });
});

describe('a reused result names its source only to the source owner', () => {
  it("hides another user's backtest id in a result saved before reuse was scoped", async () => {
    const alices = await submit(KEYS.alice, 'synthetic:SHARED');
    await completeLikeWorker(t.app, alices, bars);
    const bobs = await submit(KEYS.bob, 'synthetic:SHARED');
    await completeLikeWorker(t.app, bobs, bars);
    const alicesAgain = await submit(KEYS.alice, 'synthetic:SHARED');
    await completeLikeWorker(t.app, alicesAgain, bars);
    // As an older worker wrote them: the source's id, whoever owned it.
    for (const id of [bobs, alicesAgain]) {
      const file = join(taskDir(t.config.DATA_ROOT, id), ARTIFACT_FILES.manifest);
      const manifest = JSON.parse(await readFile(file, 'utf8'));
      await writeFile(file, JSON.stringify({ ...manifest, reusedFrom: alices }));
    }
    const result = async (key: string, id: string) =>
      (await t.app.inject({ url: `/api/v1/backtests/${id}/result`, headers: bearer(key) })).json();
    expect((await result(KEYS.bob, bobs)).reusedFrom).toBeNull();
    expect((await result(KEYS.alice, alicesAgain)).reusedFrom).toBe(alices);
  });
});
