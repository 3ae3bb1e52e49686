import { backtestJobIds, MAX_SYMBOLS } from '@hindsight/models';
import { TIER_PRIORITY } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ QUOTA_ACTIVE_FREE: '2', BODY_LIMIT_BYTES: '4096' });
});
afterAll(async () => {
  await t?.close();
});

function submit(key: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: { ...bearer(key), ...headers },
    payload: body as Record<string, unknown>,
  });
}

describe('POST /api/v1/backtests', () => {
  it('writes a queued record, adds its flow at the tier priority and answers 202', async () => {
    const response = await submit(KEYS.bob, submitBody());
    expect(response.statusCode, response.body).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({
      status: 'queued',
      links: { self: `/api/v1/backtests/${body.id}` },
    });
    expect(body.queuePosition).toBeGreaterThanOrEqual(1);
    expect(body.estimatedWaitSeconds).toBeGreaterThanOrEqual(0);
    expect(response.headers.location).toBe(body.links.self);

    const record = await t.app.store.getBacktest(body.id);
    expect(record?.status).toBe('queued');
    expect(record?.ownerId).toBe('bob');
    expect(record?.config.strategy.params, 'defaults filled by the engine').toEqual({
      fast: 10,
      slow: 30,
      allowShort: false,
    });
    const job = await t.app.queues.queues.simulation.getJob(backtestJobIds.simulation(body.id));
    expect(job?.opts.priority, 'bob is pro').toBe(TIER_PRIORITY.pro);
    expect(await job?.getState()).toBe('waiting-children');
  });

  it('gives one fingerprint to params left to their defaults and the same spelled out', async () => {
    const implicit = await submit(KEYS.bob, submitBody({ strategy: { name: 'sma_crossover' } }));
    const explicit = await submit(KEYS.bob, submitBody());
    const [a, b] = await Promise.all(
      [implicit, explicit].map((r) => t.app.store.getBacktest(r.json().id)),
    );
    expect(a?.fingerprint).toBe(b?.fingerprint);
  });

  it('answers the same Idempotency-Key with the same backtest and the same body', async () => {
    const headers = { 'idempotency-key': 'retry-me-1' };
    const first = await submit(KEYS.bob, submitBody(), headers);
    const second = await submit(KEYS.bob, submitBody(), headers);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.body).toBe(first.body);
    const page = await t.app.store.listBacktests('bob', { sort: '-createdAt', limit: 100 });
    expect(page.items.filter((r) => r.idempotencyKey === 'retry-me-1')).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused with another body (422)', async () => {
    const headers = { 'idempotency-key': 'retry-me-2' };
    await submit(KEYS.bob, submitBody(), headers);
    const other = await submit(KEYS.bob, submitBody({ cash: 5_000 }), headers);
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('HS_ERR_IDEMPOTENCY_MISMATCH');
  });

  it('keeps Idempotency-Keys of different users apart', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const bob = await submit(KEYS.bob, submitBody(), headers);
    const admin = await submit(KEYS.admin, submitBody(), headers);
    expect(admin.json().id).not.toBe(bob.json().id);
  });

  it('holds a free user to 2 active backtests: 429, Retry-After and the limit in the message', async () => {
    expect((await submit(KEYS.alice, submitBody())).statusCode).toBe(202);
    expect((await submit(KEYS.alice, submitBody())).statusCode).toBe(202);
    const third = await submit(KEYS.alice, submitBody());
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toMatchObject({
      code: 'HS_ERR_QUOTA_EXCEEDED',
      message: '2 backtests are queued or running; the free tier allows 2',
    });
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await t.app.store.countActive('alice'), 'the refused submit wrote nothing').toBe(2);
  });
});

describe('POST /api/v1/backtests with bad input: a 4xx with a code and a message', () => {
  const cases: Array<[string, unknown, number, string, RegExp]> = [
    [
      'unknown strategy',
      submitBody({ strategy: { name: 'moon_phase' } }),
      400,
      'HS_ERR_UNKNOWN_STRATEGY',
      /unknown strategy 'moon_phase'; available: .*sma_crossover/,
    ],
    [
      'bad parameter type',
      submitBody({ strategy: { name: 'sma_crossover', params: { fast: 'ten' } } }),
      400,
      'HS_ERR_BAD_STRATEGY_PARAMS',
      /invalid parameters for strategy 'sma_crossover': fast /,
    ],
    [
      'parameters that break the strategy rule',
      submitBody({ strategy: { name: 'sma_crossover', params: { fast: 30, slow: 10 } } }),
      400,
      'HS_ERR_BAD_STRATEGY_PARAMS',
      /fast must be < slow/,
    ],
    [
      'unknown parameter',
      submitBody({ strategy: { name: 'sma_crossover', params: { speed: 3 } } }),
      400,
      'HS_ERR_BAD_STRATEGY_PARAMS',
      /speed/,
    ],
    [
      'end before start',
      submitBody({ start: '2020-01-01', end: '2019-01-01' }),
      400,
      'HS_ERR_END_BEFORE_START',
      /end 2019-01-01 must be after start 2020-01-01/,
    ],
    [
      'a date the calendar lacks',
      submitBody({ start: '2023-02-29' }),
      400,
      'HS_ERR_VALIDATION',
      /\/start '2023-02-29' is not a calendar date/,
    ],
    [
      'too many symbols',
      submitBody({ symbols: Array.from({ length: MAX_SYMBOLS + 1 }, (_, i) => `synthetic:S${i}`) }),
      400,
      'HS_ERR_TOO_MANY_SYMBOLS',
      new RegExp(`${MAX_SYMBOLS + 1} symbols requested; at most ${MAX_SYMBOLS} are allowed`),
    ],
    [
      'a commission the engine refuses',
      submitBody({ commission: 0.1 }),
      400,
      'HS_ERR_VALIDATION',
      /commission must be a fraction in \[0, 0\.1\), got 0\.1/,
    ],
    [
      'slippage under the backtesting.py profile',
      submitBody({ conventions: 'backtesting.py', slippageBps: 5 }),
      400,
      'HS_ERR_VALIDATION',
      /conventions "backtesting\.py" does not support slippageBps 5/,
    ],
    [
      'several symbols under the backtesting.py profile',
      submitBody({ conventions: 'backtesting.py', symbols: ['synthetic:A', 'synthetic:B'] }),
      400,
      'HS_ERR_VALIDATION',
      /does not support 2 symbols/,
    ],
    [
      'a missing field',
      { strategy: { name: 'sma_crossover' }, symbols: ['GOOG'], start: '2010-01-01' },
      400,
      'HS_ERR_VALIDATION',
      /\/end is required/,
    ],
    [
      'an unknown field',
      submitBody({ leverage: 10 }),
      400,
      'HS_ERR_VALIDATION',
      /\/leverage is not an allowed property/,
    ],
    [
      'a number as a string (no coercion of bodies)',
      submitBody({ cash: '1000' }),
      400,
      'HS_ERR_VALIDATION',
      /\/cash/,
    ],
  ];
  it.each(cases)('%s', async (_label, body, status, code, message) => {
    const response = await submit(KEYS.bob, body);
    expect(response.statusCode, response.body).toBe(status);
    const { error } = response.json();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('malformed JSON: 400 HS_ERR_VALIDATION', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: { ...bearer(KEYS.bob), 'content-type': 'application/json' },
      payload: '{"strategy": {',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'HS_ERR_VALIDATION',
      message: 'invalid request: the body is not valid JSON',
    });
  });

  it('a body over BODY_LIMIT_BYTES: 413 HS_ERR_PAYLOAD_TOO_LARGE naming the limit', async () => {
    const response = await submit(KEYS.bob, submitBody({ name: 'x'.repeat(5000) }));
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: 'HS_ERR_PAYLOAD_TOO_LARGE',
      message: 'request body exceeds the limit of 4096 bytes',
    });
  });

  it('no key: 401 HS_ERR_UNAUTHORIZED; a wrong key: the same', async () => {
    for (const headers of [{}, bearer('not-a-key-at-all')]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/backtests',
        headers,
        payload: submitBody(),
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('HS_ERR_UNAUTHORIZED');
    }
  });
});
