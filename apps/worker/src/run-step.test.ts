import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BacktestEvent, parseBacktestRequest } from '@hindsight/models';
import {
  BacktestEventHub,
  BacktestEventPublisher,
  BacktestLifecycle,
  CancelChannel,
  createLogger,
  createRedisConnection,
  type Redis,
} from '@hindsight/service';
import { type RedisServerHandle, startTestRedis, uniquePrefix } from '@hindsight/service/testing';
import { createStore, type Store } from '@hindsight/store';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BacktestInputError } from './failure.js';
import { runStep, type StepDeps } from './run-step.js';

let server: RedisServerHandle;
let redis: Redis;
let dataRoot: string;
let store: Store;
let prefix: string;
let deps: StepDeps;
let notifications: Queue;
let hub: BacktestEventHub;

const log = createLogger({ level: 'silent', name: 'test', pretty: false });

beforeAll(async () => {
  server = await startTestRedis();
  redis = createRedisConnection(server.url);
});

afterAll(async () => {
  await redis.quit();
  await server.stop();
});

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-run-step-'));
  store = await createStore({ dataRoot });
  prefix = uniquePrefix();
  notifications = new Queue('notifications', { connection: redis, prefix });
  const lifecycle = new BacktestLifecycle({
    store,
    events: new BacktestEventPublisher(redis, prefix),
    notifications,
    logger: log,
  });
  deps = { lifecycle, cancels: new CancelChannel(redis, prefix) };
  hub = new BacktestEventHub(redis, prefix);
});

afterEach(async () => {
  await hub.close();
  await notifications.close();
  await store.close();
  await rm(dataRoot, { recursive: true, force: true });
});

async function newBacktest(): Promise<string> {
  const config = parseBacktestRequest({
    strategy: { name: 'buy_and_hold' },
    symbols: ['synthetic:AAA'],
    start: '2020-01-01',
    end: '2020-06-01',
  });
  const { record } = await store.createBacktest({
    ownerId: 'alice',
    name: 'x',
    tags: [],
    config,
    fingerprint: 'f',
    idempotencyKey: null,
  });
  return record.id;
}

function input(backtestId: string, attemptsMade: number, attempts: number) {
  return {
    job: { id: 'job', attemptsMade, opts: { attempts } },
    backtestId,
    step: 'data' as const,
    signal: undefined,
    log,
    message: 'loading',
  };
}

async function events(backtestId: string): Promise<BacktestEvent[]> {
  return hub.readStream(backtestId, 1);
}

/** A fault a provider reports: worth retrying. */
class ProviderError extends Error {
  override readonly name = 'ProviderError';
}

describe('runStep', () => {
  it('rethrows a transient error while attempts remain, leaving the backtest running', async () => {
    const id = await newBacktest();
    const fault = new ProviderError('alphavantage: timeout');
    await expect(runStep(deps, input(id, 0, 3), () => Promise.reject(fault))).rejects.toBe(fault);
    expect((await store.getBacktest(id))?.status).toBe('running');
    const lines = await store.getLogs(id, { limit: 10 });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'data step, attempt 1 of 3, failed: alphavantage: timeout; retrying'],
    ]);
  });

  it('fails the backtest on the last attempt of a transient error', async () => {
    const id = await newBacktest();
    const fault = new ProviderError('alphavantage: timeout');
    await expect(runStep(deps, input(id, 2, 3), () => Promise.reject(fault))).rejects.toMatchObject(
      {
        name: 'UnrecoverableError',
        message: 'alphavantage: timeout',
      },
    );
    const record = await store.getBacktest(id);
    expect(record).toMatchObject({
      status: 'failed',
      error: { code: 'HS_ERR_MARKET_DATA_UNAVAILABLE', message: 'alphavantage: timeout' },
    });
    expect((await events(id)).map((e) => e.type)).toEqual(['status', 'progress', 'log', 'failed']);
    expect(await notifications.getJobCountByTypes('waiting', 'prioritized')).toBe(1);
  });

  it('fails a bad config at the first attempt, with the reason', async () => {
    const id = await newBacktest();
    const bad = new BacktestInputError('no 1d bars for synthetic:AAA between a and b');
    await expect(runStep(deps, input(id, 0, 5), () => Promise.reject(bad))).rejects.toMatchObject({
      name: 'UnrecoverableError',
    });
    expect((await store.getBacktest(id))?.error).toEqual({
      code: 'HS_ERR_VALIDATION',
      message: 'no 1d bars for synthetic:AAA between a and b',
    });
    const last = (await events(id)).at(-1);
    expect(last).toMatchObject({ type: 'failed', data: { error: { code: 'HS_ERR_VALIDATION' } } });
  });

  it('skips a finished or deleted backtest without touching it', async () => {
    const id = await newBacktest();
    await store.transition(id, { from: ['queued'], to: 'cancelled' });
    let ran = false;
    const body = async () => {
      ran = true;
    };
    expect(await runStep(deps, input(id, 0, 1), body)).toEqual({
      skipped: true,
      backtestId: id,
      reason: 'cancelled',
    });
    const gone = await newBacktest();
    await store.deleteBacktest(gone);
    expect(await runStep(deps, input(gone, 0, 1), body)).toMatchObject({ reason: 'deleted' });
    expect(ran).toBe(false);
    expect(await events(id)).toEqual([]);
  });

  it('skips a backtest the api cancelled between the read and the move to running', async () => {
    const id = await newBacktest();
    const stale = await store.getBacktest(id);
    await store.transition(id, { from: ['queued'], to: 'cancelled' });
    // The step reads the record as it was a moment before the api's cancel.
    let reads = 0;
    const racing = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'getBacktest') {
          return (backtestId: string) =>
            reads++ === 0 ? Promise.resolve(stale) : target.getBacktest(backtestId);
        }
        return Reflect.get(target, property, receiver);
      },
    });
    const lifecycle = new BacktestLifecycle({
      store: racing,
      events: new BacktestEventPublisher(redis, prefix),
      notifications,
      logger: log,
    });
    let ran = false;
    const outcome = await runStep({ ...deps, lifecycle }, input(id, 0, 1), async () => {
      ran = true;
    });
    expect(outcome).toEqual({ skipped: true, backtestId: id, reason: 'cancelled' });
    expect(ran).toBe(false);
    expect(await events(id)).toEqual([]);
  });

  it('turns an abort into cancelled, never failed', async () => {
    const id = await newBacktest();
    const controller = new AbortController();
    const step = { ...input(id, 0, 2), signal: controller.signal };
    await expect(
      runStep(deps, step, async () => {
        controller.abort('cancel requested');
        controller.signal.throwIfAborted();
      }),
    ).rejects.toMatchObject({ name: 'UnrecoverableError', message: 'cancelled: cancel requested' });
    expect((await store.getBacktest(id))?.status).toBe('cancelled');
    expect((await events(id)).at(-1)).toMatchObject({
      type: 'cancelled',
      data: { reason: 'cancel requested' },
    });
  });
});
