import { backtestJobIds, type JobName } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from '../test/harness.js';

const startHarness = useHarness();
let harness: Harness;

const BASE = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['synthetic:BAD'],
  timeframe: '1d',
  start: '2020-01-01',
  end: '2020-12-31',
};

/** Job id and queue of the step that should have failed. */
function stepJob(name: JobName, backtestId: string, symbol: string) {
  return name === 'load-bars'
    ? { queue: 'market-data' as const, id: backtestJobIds.data(backtestId, symbol) }
    : { queue: 'indicators' as const, id: backtestJobIds.indicators(backtestId, symbol) };
}

describe('a backtest with a bad config', { timeout: 60_000 }, () => {
  it.each([
    {
      what: 'a warm-up longer than the data',
      body: { ...BASE, strategy: { name: 'sma_crossover', params: { fast: 10, slow: 200 } } },
      step: 'compute-indicators' as const,
      code: 'HS_ERR_VALIDATION',
      // January to June 2020 holds 130 weekdays (the synthetic series skips weekends); an SMA
      // of 200 bars is never defined on them.
      message:
        'strategy sma_crossover with these parameters needs a longer warm-up than the 130 1d bars of synthetic:BAD from 2020-01-01 to 2020-06-30: widen the range or shorten the periods',
      patch: { end: '2020-06-30' },
    },
    {
      what: 'parameters the strategy rejects',
      body: { ...BASE, strategy: { name: 'sma_crossover', params: { fast: 30, slow: 10 } } },
      step: 'compute-indicators' as const,
      code: 'HS_ERR_BAD_STRATEGY_PARAMS',
      message: /^sma_crossover: fast must be < slow/,
      patch: {},
    },
    {
      what: 'an unknown strategy',
      body: { ...BASE, strategy: { name: 'moon_phase', params: {} } },
      step: 'compute-indicators' as const,
      code: 'HS_ERR_UNKNOWN_STRATEGY',
      message: /^unknown strategy 'moon_phase' \(known: buy_and_hold, /,
      patch: {},
    },
    {
      what: 'a symbol nobody imported',
      body: { ...BASE, symbols: ['NOTIMPORTED'] },
      step: 'load-bars' as const,
      code: 'HS_ERR_SYMBOL_NOT_FOUND',
      message: /^NOTIMPORTED \(1d\) is not in the cache: import it first/,
      patch: {},
    },
    {
      what: 'a range without bars',
      body: { ...BASE, start: '2020-01-04', end: '2020-01-05' },
      step: 'load-bars' as const,
      code: 'HS_ERR_SYMBOL_NOT_FOUND',
      message: /^no 1d bars for synthetic:BAD between 2020-01-04 and 2020-01-05$/,
      patch: {},
    },
  ])('fails once with a clear reason: $what', async ({ body, step, code, message, patch }) => {
    harness = await startHarness();
    const request = { ...body, ...patch };
    const record = await harness.submit(request);
    const watch = harness.watch(record.id);
    const events = await watch.terminal;
    const done = await waitForTerminal(harness.store, record.id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe(code);
    if (typeof message === 'string') expect(done.error?.message).toBe(message);
    else expect(done.error?.message).toMatch(message);
    expect(events.at(-1)).toEqual(
      expect.objectContaining({ type: 'failed', data: { error: done.error } }),
    );
    const { queue, id } = stepJob(step, record.id, request.symbols[0]!);
    const job = await harness.queues.queues[queue].getJob(id);
    await expect.poll(() => job?.getState(), { timeout: 5_000 }).toBe('failed');
    // The catalogue allows 3 (indicators) or 5 (market data) attempts; a bad config uses one.
    expect((await harness.queues.queues[queue].getJob(id))?.attemptsMade).toBe(1);
    const logs = await harness.store.getLogs(record.id, { limit: 50 });
    expect(logs.at(-1)).toMatchObject({
      level: 'error',
      message: `failed: ${done.error?.message}`,
    });
    // BullMQ fails the parent of a failed child without running its processor.
    const simulation = harness.queues.queues.simulation;
    const parentId = backtestJobIds.simulation(record.id);
    await expect.poll(async () => (await simulation.getJob(parentId))?.getState()).toBe('failed');
    expect((await simulation.getJob(parentId))?.failedReason).toMatch(/^child .* failed$/);
    expect(done.attempts).toBe(1);
  });
});
