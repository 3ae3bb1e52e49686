import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AlphaVantageStub,
  dailyAnswer,
  ERROR_MESSAGE,
  INFORMATION_BURST,
  INFORMATION_DAILY,
  INFORMATION_PREMIUM,
  intradayAnswer,
  NOTE,
} from '../../test/alphavantage-stub.js';
import { rows } from '../../test/helpers.js';
import { VirtualClock } from '../../test/virtual-clock.js';
import { ALL_TIME } from '../time/ranges.js';
import { AlphaVantageError, AlphaVantageProvider } from './alphavantage.js';

const day = (text: string) => Date.parse(`${text}T00:00:00Z`);
const IBM_DAYS = {
  '2024-05-08': [166.5, 168.1, 165.3, 167.6, 3_000_000],
  '2024-05-09': [167.5, 167.9, 166.2, 166.3, 2_500_000],
  '2024-05-10': [167.0, 168.1, 166.2, 167.15, 2_255_127],
} as const satisfies Record<string, [number, number, number, number, number]>;

describe('AlphaVantageProvider against a local stub of the API', () => {
  let stub: AlphaVantageStub;
  let baseUrl: string;
  let clock: VirtualClock;
  const provider = (options: { callsPerMinute?: number; retries?: number; apiKey?: string } = {}) =>
    new AlphaVantageProvider({
      apiKey: 'test-key',
      baseUrl,
      clock,
      backoffMs: 1_000,
      ...options,
    });

  beforeEach(async () => {
    stub = new AlphaVantageStub(() => ({ body: dailyAnswer('IBM', IBM_DAYS) }));
    baseUrl = await stub.start();
    clock = new VirtualClock(day('2024-05-11'));
  });
  afterEach(async () => {
    await stub.stop();
  });

  it('reads TIME_SERIES_DAILY into bars at midnight UTC, oldest first, within the range', async () => {
    const bars = await provider().fetch({
      symbol: 'IBM',
      timeframe: '1d',
      range: { from: day('2024-05-09'), to: day('2024-05-11') },
    });
    expect(rows(bars)).toEqual([
      [day('2024-05-09'), 167.5, 167.9, 166.2, 166.3, 2_500_000],
      [day('2024-05-10'), 167.0, 168.1, 166.2, 167.15, 2_255_127],
    ]);
    // A range within the last 100 trading days needs only the compact output.
    expect(stub.requests).toEqual([
      {
        parameters: {
          function: 'TIME_SERIES_DAILY',
          symbol: 'IBM',
          outputsize: 'compact',
          apikey: 'test-key',
        },
      },
    ]);
  });

  it('asks for the full daily history when the range reaches further back', async () => {
    await provider().fetch({
      symbol: 'IBM',
      timeframe: '1d',
      range: { from: day('2010-01-01'), to: day('2024-05-11') },
    });
    expect(stub.requests[0]!.parameters.outputsize).toBe('full');
  });

  it('reads TIME_SERIES_INTRADAY in US/Eastern and stores UTC', async () => {
    stub.respond(() => ({
      body: intradayAnswer('IBM', '5min', {
        '2024-05-10 09:30:00': [167.0, 167.4, 166.9, 167.2, 51_000],
        '2024-05-10 09:35:00': [167.2, 167.3, 166.8, 166.9, 32_000],
      }),
    }));
    const bars = await provider().fetch({
      symbol: 'IBM',
      timeframe: '5m',
      range: { from: day('2024-05-10'), to: day('2024-05-11') },
    });
    // 09:30 in New York in May is EDT, UTC-4: 13:30 UTC.
    expect(Array.from(bars.time)).toEqual([
      Date.UTC(2024, 4, 10, 13, 30),
      Date.UTC(2024, 4, 10, 13, 35),
    ]);
    expect(stub.requests[0]!.parameters).toMatchObject({
      function: 'TIME_SERIES_INTRADAY',
      interval: '5min',
      outputsize: 'full',
      extended_hours: 'false',
    });
    expect(stub.requests[0]!.parameters.month).toBeUndefined();
  });

  it('fetches older intraday history month by month', async () => {
    stub.respond((request) => ({
      body: intradayAnswer('IBM', '60min', {
        [`${request.parameters.month}-15 10:00:00`]: [100, 101, 99, 100.5, 1000],
      }),
    }));
    const bars = await provider().fetch({
      symbol: 'IBM',
      timeframe: '1h',
      range: { from: day('2024-01-20'), to: day('2024-03-20') },
    });
    expect(stub.requests.map((request) => request.parameters.month)).toEqual([
      '2024-01',
      '2024-02',
      '2024-03',
    ]);
    // 10:00 EST (UTC-5) in January and February, 10:00 EDT (UTC-4) on 15 March 2024.
    expect(Array.from(bars.time)).toEqual([Date.UTC(2024, 1, 15, 15), Date.UTC(2024, 2, 15, 14)]);
  });

  it('asks for no intraday month before January 2000, where the history starts', async () => {
    stub.respond(() => ({ body: intradayAnswer('IBM', '60min', {}) }));
    await provider().fetch({
      symbol: 'IBM',
      timeframe: '1h',
      range: { from: day('1990-01-01'), to: day('2000-03-01') },
    });
    expect(stub.requests.map((request) => request.parameters.month)).toEqual([
      '2000-01',
      '2000-02',
    ]);
  });

  it('builds weekly bars from the daily series', async () => {
    const bars = await provider().fetch({
      symbol: 'IBM',
      timeframe: '1w',
      range: { from: day('2024-05-06'), to: day('2024-05-13') },
    });
    // The three days resampled by hand: open of the 8th, max high, min low, close of the 10th.
    expect(rows(bars)).toEqual([[day('2024-05-06'), 166.5, 168.1, 165.3, 167.15, 7_755_127]]);
  });

  it('turns "Error Message" into an error at once, without retrying', async () => {
    stub.respond(() => ({ body: ERROR_MESSAGE }));
    const failure = provider().fetch({
      symbol: 'NOPE',
      timeframe: '1d',
      range: { from: day('2024-05-01'), to: day('2024-05-11') },
    });
    await expect(failure).rejects.toThrow(AlphaVantageError);
    await expect(failure).rejects.toMatchObject({
      kind: 'request',
      message: expect.stringContaining('alphavantage: TIME_SERIES_DAILY NOPE: Invalid API call.'),
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries after a "Note" rate-limit answer and then succeeds', async () => {
    stub.respond((_, index) =>
      index < 2 ? { body: NOTE } : { body: dailyAnswer('IBM', IBM_DAYS) },
    );
    const bars = await provider().fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME });
    expect(bars.length).toBe(3);
    expect(stub.requests).toHaveLength(3);
    // Each wait is at least a minute's share of the 5 calls per minute (12 s), doubling otherwise.
    expect(clock.sleeps).toEqual([12_000, 12_000]);
  });

  it('retries a per-second "Information" limit, and gives up after the retries', async () => {
    stub.respond(() => ({ body: INFORMATION_BURST }));
    const failure = provider({ retries: 2 }).fetch({
      symbol: 'IBM',
      timeframe: '1d',
      range: ALL_TIME,
    });
    await expect(failure).rejects.toMatchObject({
      kind: 'rate-limit',
      message: expect.stringMatching(/rate limit reached: .*\(gave up after 3 attempts\)$/),
    });
    expect(stub.requests).toHaveLength(3);
  });

  it.each([
    ['a used-up daily quota', INFORMATION_DAILY, 'rate-limit', /daily quota used up/],
    ['a premium endpoint', INFORMATION_PREMIUM, 'premium', /This is a premium endpoint/],
  ])('fails at once on %s', async (_, body, kind, message) => {
    stub.respond(() => ({ body }));
    const failure = provider().fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME });
    await expect(failure).rejects.toMatchObject({ kind, message: expect.stringMatching(message) });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries server errors and dropped connections with exponential backoff', async () => {
    stub.respond((_, index) =>
      index === 0
        ? { status: 503, body: {} }
        : index === 1
          ? 'hang-up'
          : { body: dailyAnswer('IBM', IBM_DAYS) },
    );
    const bars = await provider().fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME });
    expect(bars.length).toBe(3);
    // backoffMs 1000, doubled per retry; a minute's share (12 s) applies only to rate limits.
    expect(clock.sleeps).toEqual([1_000, 2_000]);
  });

  it('does not retry a 4xx answer', async () => {
    stub.respond(() => ({ status: 403, body: {} }));
    await expect(
      provider().fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME }),
    ).rejects.toMatchObject({
      kind: 'http',
      message: 'alphavantage: TIME_SERIES_DAILY IBM: HTTP 403',
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('keeps to its calls per minute', async () => {
    const client = provider({ callsPerMinute: 2 });
    const start = clock.now();
    const times: number[] = [];
    stub.respond(() => {
      times.push(clock.now() - start);
      return { body: dailyAnswer('IBM', IBM_DAYS) };
    });
    for (let i = 0; i < 5; i++) {
      await client.fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME });
    }
    // Two calls in any 60 s: calls 3 and 4 wait for the window to pass calls 1 and 2.
    expect(times).toEqual([0, 0, 60_000, 60_000, 120_000]);
  });

  it('reports a missing API key as configuration, without calling', async () => {
    await expect(
      provider({ apiKey: '' }).fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME }),
    ).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining('no API key configured'),
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('rejects answers that are not a time series', async () => {
    stub.respond(() => ({ body: { 'Meta Data': {} } }));
    await expect(
      provider().fetch({ symbol: 'IBM', timeframe: '1d', range: ALL_TIME }),
    ).rejects.toMatchObject({
      kind: 'format',
      message: 'alphavantage: IBM daily: the answer has no "Time Series" (keys: Meta Data)',
    });
  });

  it('keeps the bar in progress and the one before it out of the settled range', () => {
    const now = Date.UTC(2024, 4, 10, 15, 7);
    expect(provider().settledBefore('1d', now)).toBe(day('2024-05-09'));
    expect(provider().settledBefore('5m', now)).toBe(Date.UTC(2024, 4, 10, 15, 0));
  });
});
