import { describe, expect, it } from 'vitest';
import { type HindsightError, isHindsightError } from './errors.js';
import { parseBacktestRequest } from './parse-backtest-request.js';

const GOOD = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['GOOG'],
  start: '2004-08-19',
  end: '2013-03-01',
};

function rejection(body: unknown): HindsightError {
  try {
    parseBacktestRequest(body);
  } catch (error) {
    if (isHindsightError(error)) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

function issuesOf(body: unknown): { path: string; message: string }[] {
  const error = rejection(body);
  expect(error.code).toBe('HS_ERR_VALIDATION');
  expect(error.statusCode).toBe(400);
  return (error.details as { issues: { path: string; message: string }[] }).issues;
}

describe('parseBacktestRequest', () => {
  it('returns a good body with every default filled, leaving the input untouched', () => {
    const input = structuredClone(GOOD);
    const parsed = parseBacktestRequest(input);
    expect(parsed).toMatchObject({ ...GOOD, timeframe: '1d', cash: 100_000, fill: 'next_open' });
    expect(parsed.sizing).toEqual({ mode: 'fraction', fraction: 1, wholeUnits: true });
    expect(input, 'the caller keeps its object').toEqual(GOOD);
  });

  it('accepts date-times with an offset', () => {
    const parsed = parseBacktestRequest({
      ...GOOD,
      start: '2020-01-01T09:30:00-05:00',
      end: '2020-01-01T16:00:00Z',
    });
    expect(parsed.start).toBe('2020-01-01T09:30:00-05:00');
  });

  it.each([
    ['strategy missing', { strategy: undefined }, '/strategy', 'is required'],
    ['strategy name with capitals', { strategy: { name: 'SMA' } }, '/strategy/name', 'pattern'],
    ['no symbols', { symbols: [] }, '/symbols', 'fewer than 1'],
    ['the same symbol twice', { symbols: ['GOOG', 'GOOG'] }, '/symbols', 'duplicate'],
    ['a symbol with a space', { symbols: ['GOOG', 'BAD SYM'] }, '/symbols/1', 'pattern'],
    ['an unknown timeframe', { timeframe: '2h' }, '/timeframe', 'must be one of "1m"'],
    ['a start that is not a date', { start: 'yesterday' }, '/start', 'must be a date (2015-01-01)'],
    ['zero cash', { cash: 0 }, '/cash', 'must be > 0'],
    ['cash as text', { cash: '1000' }, '/cash', 'must be number'],
    ['a negative commission', { commission: -0.001 }, '/commission', 'must be >= 0'],
    ['a commission over 10%', { commission: 0.5 }, '/commission', 'must be <= 0.1'],
    ['negative slippage', { slippageBps: -1 }, '/slippageBps', 'must be >= 0'],
    ['an unknown fill', { fill: 'vwap' }, '/fill', 'must be one of "next_open", "close"'],
    ['finalizeTrades as text', { finalizeTrades: 'yes' }, '/finalizeTrades', 'boolean'],
    ['a zero stop loss', { stopLossPct: 0 }, '/stopLossPct', 'must be > 0'],
    ['unknown conventions', { conventions: 'zipline' }, '/conventions', '"backtesting.py"'],
    ['a misspelt field', { comission: 0.001 }, '/comission', 'is not an allowed property'],
    [
      'too many tags',
      { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      '/tags',
      'more than 20',
    ],
    [
      'a sizing fraction above 1',
      { sizing: { mode: 'fraction', fraction: 1.5, wholeUnits: true } },
      '/sizing/fraction',
      'must be <= 1',
    ],
    [
      'a quantity sizing without quantity',
      { sizing: { mode: 'quantity' } },
      '/sizing/quantity',
      'is required',
    ],
    [
      'an unknown sizing mode',
      { sizing: { mode: 'kelly' } },
      '/sizing/mode',
      'must be one of "fraction", "quantity"',
    ],
  ])('rejects %s at its path', (_, change, path, message) => {
    // Through JSON, as a body arrives: a field set to undefined is a field left out.
    const issues = issuesOf(JSON.parse(JSON.stringify({ ...GOOD, ...change })));
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(
      issues.every((issue) => issue.path === path),
      `only the broken field is reported: ${JSON.stringify(issues)}`,
    ).toBe(true);
  });

  it('reports every broken field at once', () => {
    const issues = issuesOf({ ...GOOD, cash: -1, fill: 'vwap' });
    expect(issues.map((issue) => issue.path).sort()).toEqual(['/cash', '/fill']);
  });

  it('names the problem in the message', () => {
    expect(rejection({ ...GOOD, cash: -1 }).message).toBe('invalid request: /cash must be > 0');
  });

  it('rejects a body that is not an object', () => {
    expect(issuesOf(null)).toEqual([{ path: '/', message: expect.stringContaining('object') }]);
  });

  it('rejects a date the calendar lacks', () => {
    expect(issuesOf({ ...GOOD, end: '2013-02-29' })).toEqual([
      { path: '/end', message: "'2013-02-29' is not a calendar date" },
    ]);
  });

  it('answers more than MAX_SYMBOLS symbols with its own code', () => {
    const error = rejection({ ...GOOD, symbols: Array.from({ length: 11 }, (_, i) => `S${i}`) });
    expect(error.code).toBe('HS_ERR_TOO_MANY_SYMBOLS');
    expect(error.message).toBe('11 symbols requested; at most 10 are allowed');
  });

  it.each([
    ['before', '2013-03-01', '2004-08-19'],
    ['equal to', '2010-01-01', '2010-01-01'],
    ['equal, written with an offset', '2010-01-01T00:00:00Z', '2010-01-01T01:00:00+01:00'],
  ])('answers an end %s the start with HS_ERR_END_BEFORE_START', (_, start, end) => {
    const error = rejection({ ...GOOD, start, end });
    expect(error.code).toBe('HS_ERR_END_BEFORE_START');
    expect(error.message).toBe(`end ${end} must be after start ${start}`);
  });
});
