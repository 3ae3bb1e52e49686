import { backtestJobIds, newId, parseBacktestRequest } from '@hindsight/models';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, enqueueBacktest, TIER_PRIORITY } from './queues.js';
import { createRedisConnection } from './redis.js';
import { type RedisServerHandle, startTestRedis, uniquePrefix } from './testing.js';

let server: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedisConnection(server.url);
});

afterAll(async () => {
  await redis.quit();
  await server.stop();
});

const config = parseBacktestRequest({
  strategy: { name: 'sma_crossover', params: { fast: 5, slow: 20 } },
  symbols: ['synthetic:AAA', 'synthetic:BBB'],
  start: '2020-01-01',
  end: '2021-01-01',
});

describe('enqueueBacktest', () => {
  it('adds the flow once however often it is called, with the tier priority on every job', async () => {
    const prefix = uniquePrefix();
    const created = createQueues(redis, prefix);
    const { queues, close } = created;
    const id = newId();
    for (let i = 0; i < 3; i++) {
      await enqueueBacktest(created, { id, config }, { priority: TIER_PRIORITY.pro });
    }
    const counts = await Promise.all(
      (['market-data', 'indicators', 'simulation'] as const).map((name) =>
        queues[name].getJobCountByTypes('waiting', 'prioritized', 'waiting-children'),
      ),
    );
    // One load-bars and one compute-indicators per symbol, one run-simulation: the catalogue.
    expect(counts).toEqual([2, 2, 1]);
    const bars = await queues['market-data'].getJob(backtestJobIds.data(id, 'synthetic:AAA'));
    expect(bars?.opts.priority).toBe(TIER_PRIORITY.pro);
    expect(bars?.data).toEqual({
      backtestId: id,
      symbol: 'synthetic:AAA',
      timeframe: '1d',
      start: '2020-01-01',
      end: '2021-01-01',
    });
    const simulation = await queues.simulation.getJob(backtestJobIds.simulation(id));
    expect(await simulation?.getState()).toBe('waiting-children');
    await close();
  });

  it('adds the simulation job alone when the bars are cached, once however often it is called', async () => {
    const prefix = uniquePrefix();
    const created = createQueues(redis, prefix);
    const { queues, close } = created;
    const id = newId();
    for (let i = 0; i < 3; i++) {
      await enqueueBacktest(
        created,
        { id, config },
        { priority: TIER_PRIORITY.basic, barsCached: true },
      );
    }
    // A later call without the hint (the hint expired) must not add a second simulation.
    await enqueueBacktest(created, { id, config }, { priority: TIER_PRIORITY.basic });
    const counts = await Promise.all(
      (['market-data', 'indicators', 'simulation'] as const).map((name) =>
        queues[name].getJobCountByTypes('waiting', 'prioritized', 'waiting-children'),
      ),
    );
    expect(counts, 'the hintless call adds its children, never a second simulation').toEqual([
      2, 2, 1,
    ]);
    const simulation = await queues.simulation.getJob(backtestJobIds.simulation(id));
    expect(await simulation?.getState(), 'no children to wait for').toBe('prioritized');
    expect(simulation?.opts.priority).toBe(TIER_PRIORITY.basic);
    expect(simulation?.data).toEqual({ backtestId: id });
    await close();
  });

  it('orders tiers pro, basic, free', () => {
    expect(TIER_PRIORITY.pro).toBeLessThan(TIER_PRIORITY.basic);
    expect(TIER_PRIORITY.basic).toBeLessThan(TIER_PRIORITY.free);
  });
});
