import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, submitBody, type TestApp } from '../../support.js';
import { completeLikeWorker, readGoog } from '../../worker-double.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ QUOTA_ACTIVE_FREE: '50' });
});
afterAll(async () => {
  await t?.close();
});

function submit(params: unknown, raw?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/backtests',
    headers: { ...bearer(KEYS.alice), 'content-type': 'application/json' },
    payload: raw ?? JSON.stringify(submitBody({ strategy: { name: 'rules', params } })),
  });
}

const EXIT = 'close < open';

describe('POST /api/v1/backtests with strategy rules', () => {
  it('runs a rule written as sma_crossover to the same result as sma_crossover', async () => {
    const rules = await submit({
      entry: 'crosses_above(sma(close, $fast), sma(close, $slow))',
      exit: 'crosses_below(sma(close, $fast), sma(close, $slow))',
      fast: 10,
      slow: 30,
    });
    expect(rules.statusCode, rules.body).toBe(202);
    const builtIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/backtests',
      headers: bearer(KEYS.alice),
      payload: submitBody(),
    });
    const bars = readGoog();
    const results = [];
    for (const response of [rules, builtIn]) {
      const { id } = response.json();
      await completeLikeWorker(t.app, id, bars);
      const result = await t.app.inject({
        url: `/api/v1/backtests/${id}/result`,
        headers: bearer(KEYS.alice),
      });
      expect(result.statusCode, result.body).toBe(200);
      results.push(result.json());
    }
    const [fromRules, fromBuiltIn] = results;
    expect(fromRules.stats.trades).toBeGreaterThan(0);
    expect(fromRules.stats).toEqual(fromBuiltIn.stats);
  });

  const hostile: [string, Record<string, unknown>, RegExp][] = [
    [
      'constructor',
      { entry: 'constructor', exit: EXIT },
      /entry at column 1: unknown series 'constructor'/,
    ],
    [
      '__proto__',
      { entry: '__proto__.polluted > 1', exit: EXIT },
      /entry at column 10: unexpected character '\.'/,
    ],
    [
      'a call of __proto__',
      { entry: '__proto__(close) > 1', exit: EXIT },
      /unknown function '__proto__'/,
    ],
    [
      'require("fs")',
      { entry: 'require("fs")', exit: EXIT },
      /entry at column 9: unexpected character '"'/,
    ],
    [
      'require(fs)',
      { entry: 'close > 1', exit: 'require(fs)' },
      /exit at column 1: unknown function 'require'/,
    ],
    [
      'a constructor chain',
      { entry: 'this.constructor.constructor("return process")()', exit: EXIT },
      /entry at column 5: unexpected character '\.'/,
    ],
    [
      'a template literal',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a JavaScript template is the attack
      { entry: '`${process.exit(1)}`', exit: EXIT },
      /entry at column 1: unexpected character '`'/,
    ],
    [
      '$constructor',
      { entry: 'close > $constructor', exit: EXIT },
      /unknown variable \$constructor/,
    ],
    [
      '20,000 terms',
      { entry: Array.from({ length: 20_000 }, () => 'c').join('+'), exit: EXIT },
      /entry at column 1: the expression is 39999 characters long; at most 2000 are allowed/,
    ],
    [
      '5,000 levels deep',
      { entry: `${'('.repeat(5000)}close${')'.repeat(5000)} > 1`, exit: EXIT },
      /the expression is 10009 characters long/,
    ],
    [
      'deep within the length limit',
      { entry: `${'not '.repeat(400)}close > 1`, exit: EXIT },
      /entry at column \d+: the expression nests deeper than 32 levels/,
    ],
    [
      'a negative lag',
      { entry: 'close[-1] > close', exit: EXIT },
      /entry at column 7: a lag x\[k\] must be a whole number/,
    ],
    ['a lag from the data', { entry: 'close[volume] > close', exit: EXIT }, /not a series/],
    ['wrong arity', { entry: 'sma(close) > 1', exit: EXIT }, /sma takes 2 arguments, got 1/],
  ];

  it.each(hostile)(
    'refuses %s with a coded 400 pointing at the column',
    async (_, params, message) => {
      const response = await submit(params);
      expect(response.statusCode, response.body).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('HS_ERR_BAD_STRATEGY_PARAMS');
      expect(error.message).toMatch(message);
      expect(error.details.issues[0].column).toBeGreaterThanOrEqual(1);
    },
  );

  it('refuses a body past the size limit before reading it (413, coded)', async () => {
    const entry = Array.from({ length: 20_000 }, () => 'close').join(' + ');
    const response = await submit({ entry, exit: EXIT });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('HS_ERR_PAYLOAD_TOO_LARGE');
  });

  it('refuses a __proto__ key in the parameters, and pollutes nothing', async () => {
    const body = JSON.stringify(submitBody({ strategy: { name: 'rules', params: {} } })).replace(
      '"params":{}',
      '"params":{"entry":"close > open","exit":"close < open","__proto__":{"polluted":1}}',
    );
    const response = await submit(undefined, body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.code).toMatch(/^HS_ERR_/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stays healthy after all of them', async () => {
    const health = await t.app.inject('/health');
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
  });
});
