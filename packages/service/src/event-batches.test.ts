import { type BacktestEvent, newId } from '@hindsight/models';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestEventHub } from './event-hub.js';
import { BacktestEventPublisher } from './event-publisher.js';
import { redisKeys } from './keys.js';
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

/** A window no test waits out: events go out only with a publish or a flush. */
const FOREVER_MS = 600_000;

const progress = (p: number) => ({
  progress: p,
  step: 'simulation' as const,
  message: null,
  barsProcessed: null,
  equity: null,
});

function logLine(id: string, n: number) {
  return {
    backtestId: id,
    seq: n,
    ts: new Date().toISOString(),
    level: 'info' as const,
    message: `line ${n}`,
  };
}

/** Resolves once `items` holds `count` entries, or after two seconds. */
async function waitForCount(items: unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (items.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every message on the events channel of `prefix`, parsed. */
async function channelMessages(prefix: string) {
  const listener = redis.duplicate();
  const messages: Array<{ backtestId: string; events: BacktestEvent[] }> = [];
  listener.on('message', (_channel: string, message: string) => messages.push(JSON.parse(message)));
  await listener.subscribe(redisKeys.eventsChannel(prefix));
  return { messages, close: () => listener.quit() };
}

/** `seq:type` of each stored event, checking each batch's entry is named by its last seq. */
async function storedTypes(prefix: string, id: string) {
  const entries = await redis.xrange(redisKeys.eventStream(prefix, id), '-', '+');
  return entries.flatMap(([entryId, fields]) => {
    const batch = JSON.parse(fields[1]!) as BacktestEvent[];
    expect(entryId).toBe(`0-${batch.at(-1)?.seq}`);
    return batch.map((event) => `${event.seq}:${event.type}`);
  });
}

describe('batched events', () => {
  it('go out with the terminal event: one script call, one message, seqs in order', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: FOREVER_MS });
    const hub = new BacktestEventHub(redis, prefix);
    const channel = await channelMessages(prefix);
    const id = newId();
    const seen: BacktestEvent[] = [];
    await hub.subscribe(id, 0, (event) => seen.push(event));

    publisher.enqueue(id, 'status', { status: 'running', step: 'simulation' });
    publisher.enqueue(id, 'progress', progress(0.2));
    publisher.enqueue(id, 'log', logLine(id, 1));
    expect(await hub.lastSeq(id), 'nothing written before the batch goes out').toBe(0);
    const terminal = await publisher.publish(id, 'cancelled', { reason: 'user' });

    expect(terminal.seq).toBe(4);
    expect(await storedTypes(prefix, id)).toEqual([
      '1:status',
      '2:progress',
      '3:log',
      '4:cancelled',
    ]);
    await waitForCount(seen, 4);
    expect(seen.map((e) => `${e.seq}:${e.type}`)).toEqual(await storedTypes(prefix, id));
    expect(seen[3]).toEqual(terminal);
    await waitForCount(channel.messages, 1);
    expect(channel.messages).toHaveLength(1);
    expect(channel.messages[0]?.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // The terminal event's lifetimes: the seq for good, the stream briefly.
    expect(await redis.ttl(redisKeys.eventSeq(prefix, id))).toBe(-1);
    expect(await redis.ttl(redisKeys.eventStream(prefix, id))).toBeLessThanOrEqual(30);
    await channel.close();
    await hub.close();
  });

  it('go out by themselves once the window has passed', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: 20 });
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    const seen: number[] = [];
    await hub.subscribe(id, 0, (event) => seen.push(event.seq));
    publisher.enqueue(id, 'status', { status: 'running', step: 'data' });
    publisher.enqueue(id, 'progress', progress(0.1));
    await waitForCount(seen, 2);
    expect(seen).toEqual([1, 2]);
    // Active lifetimes until the end.
    expect(await redis.ttl(redisKeys.eventSeq(prefix, id))).toBeGreaterThan(30);
    await hub.close();
  });

  it('go out with the next event once the window has passed while timers could not run', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: 20 });
    const channel = await channelMessages(prefix);
    const id = newId();
    publisher.enqueue(id, 'progress', progress(0.2));
    // A synchronous loop, as the simulation's: no timer fires in it.
    const until = performance.now() + 25;
    while (performance.now() < until) {
      /* busy */
    }
    publisher.enqueue(id, 'progress', progress(0.3));
    await waitForCount(channel.messages, 1);
    expect(channel.messages.map((m) => m.events.map((e) => e.seq))).toEqual([[1, 2]]);
    await channel.close();
  });

  it('replay after a seq, then live batches: each seq once, in order', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: FOREVER_MS });
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    for (const n of [1, 2, 3, 4, 5]) publisher.enqueue(id, 'log', logLine(id, n));
    await publisher.flush(id);
    const seen: number[] = [];
    await hub.subscribe(id, 2, (event) => seen.push(event.seq));
    expect(seen).toEqual([3, 4, 5]);
    publisher.enqueue(id, 'progress', progress(0.5));
    publisher.enqueue(id, 'log', logLine(id, 6));
    await publisher.publish(id, 'failed', { error: { code: 'HS_ERR_INTERNAL', message: 'x' } });
    await waitForCount(seen, 6);
    expect(seen).toEqual([3, 4, 5, 6, 7, 8]);
    await hub.close();
  });

  it('are stored as one entry, read back by seq range, gaps filled across batches', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: FOREVER_MS });
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    for (const n of [1, 2, 3, 4, 5]) publisher.enqueue(id, 'log', logLine(id, n));
    await publisher.flush(id);
    const entries = await redis.xrange(redisKeys.eventStream(prefix, id), '-', '+');
    expect(entries.map(([entryId]) => entryId)).toEqual(['0-5']);
    expect((await hub.readStream(id, 2, 3)).map((e) => e.seq)).toEqual([2, 3]);
    expect((await hub.readStream(id, 4)).map((e) => e.seq)).toEqual([4, 5]);

    const seen: number[] = [];
    await hub.subscribe(id, 5, (event) => seen.push(event.seq));
    // A batch (6-8) reaches the stream but not the channel, as during a subscriber reconnect.
    await redis.incrby(redisKeys.eventSeq(prefix, id), 3);
    const stored = [6, 7, 8].map((seq) => ({
      type: 'log',
      seq,
      ts: new Date().toISOString(),
      data: logLine(id, seq),
    }));
    await redis.xadd(redisKeys.eventStream(prefix, id), '0-8', 'e', JSON.stringify(stored));
    publisher.enqueue(id, 'log', logLine(id, 9));
    publisher.enqueue(id, 'log', logLine(id, 10));
    await publisher.flush(id);
    await waitForCount(seen, 5);
    expect(seen).toEqual([6, 7, 8, 9, 10]);
    await hub.close();
  });

  it('never follow the terminal event', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, { batchWindowMs: FOREVER_MS });
    const id = newId();
    publisher.enqueue(id, 'status', { status: 'running', step: 'simulation' });
    // Another writer (the api, the worker's main thread) ends the backtest first.
    const other = new BacktestEventPublisher(redis, prefix);
    const terminal = await other.publish(id, 'cancelled', { reason: null });
    expect(terminal.seq).toBe(1);
    await publisher.flush(id);
    const late = await publisher.publish(id, 'progress', progress(0.9));
    expect(late.seq, 'dropped').toBe(0);
    expect(await storedTypes(prefix, id)).toEqual(['1:cancelled']);
    expect(await redis.get(redisKeys.eventSeq(prefix, id))).toBe('1');
  });

  it('report a write that failed to onError', async () => {
    const dead = redis.duplicate();
    await dead.quit();
    const errors: Array<[unknown, string]> = [];
    const publisher = new BacktestEventPublisher(dead, uniquePrefix(), {
      onError: (error, backtestId) => errors.push([error, backtestId]),
    });
    const id = newId();
    publisher.enqueue(id, 'status', { status: 'running', step: 'data' });
    await waitForCount(errors, 1);
    expect(errors.map(([, backtestId]) => backtestId)).toEqual([id]);
  });
});
