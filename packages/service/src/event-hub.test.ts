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

function logEvent(publisher: BacktestEventPublisher, id: string, n: number) {
  return publisher.publish(id, 'log', {
    backtestId: id,
    seq: n,
    ts: new Date().toISOString(),
    level: 'info',
    message: `line ${n}`,
  });
}

/** Resolves once `events` holds `count` entries, or fails after a second. */
async function waitForCount(events: unknown[], count: number): Promise<void> {
  const deadline = Date.now() + 1_000;
  while (events.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('BacktestEventPublisher', () => {
  it('numbers events 1, 2, 3... per backtest and stores them in the stream', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const [a, b] = [newId(), newId()];
    const first = await publisher.publish(a, 'status', { status: 'running', step: 'data' });
    await publisher.publish(b, 'status', { status: 'running', step: 'data' });
    const second = await publisher.publish(a, 'cancelled', { reason: 'user' });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first).toMatchObject({ type: 'status', data: { status: 'running', step: 'data' } });
    const stored = await redis.xrange(redisKeys.eventStream(prefix, a), '-', '+');
    expect(stored.map(([id]) => id)).toEqual(['0-1', '0-2']);
    expect(JSON.parse(stored[1]![1][1]!)).toEqual([second]);
  });

  it('keeps full double precision in the data', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const id = newId();
    // 0.1 + 0.2 needs 17 significant digits; Lua's cjson would print 14.
    const equity = 0.1 + 0.2;
    await publisher.publish(id, 'progress', {
      progress: 0.5,
      step: 'simulation',
      message: null,
      barsProcessed: 1,
      equity,
    });
    const hub = new BacktestEventHub(redis, prefix);
    const [event] = await hub.readStream(id, 1);
    expect(event?.data).toMatchObject({ equity });
    await hub.close();
  });

  it('gives events a lifetime, short once the backtest is terminal, and keeps its seq', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix, {
      activeTtlSeconds: 1000,
      terminalTtlSeconds: 60,
    });
    const id = newId();
    await publisher.publish(id, 'status', { status: 'running', step: null });
    expect(await redis.ttl(redisKeys.eventStream(prefix, id))).toBeGreaterThan(60);
    await publisher.publish(id, 'failed', { error: { code: 'X', message: 'y' } });
    const ttl = await redis.ttl(redisKeys.eventStream(prefix, id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    // -1: no expiry; a client resuming after the stream expired still gets the terminal seq.
    expect(await redis.ttl(redisKeys.eventSeq(prefix, id))).toBe(-1);
    await publisher.expireAfterTerminal(id, 5);
    expect(await redis.ttl(redisKeys.eventStream(prefix, id))).toBeLessThanOrEqual(5);
    expect(await redis.ttl(redisKeys.eventSeq(prefix, id))).toBe(-1);
  });
});

describe('BacktestEventHub', () => {
  it('replays what was stored after afterSeq, then delivers live events', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    for (const n of range(1, 5)) await logEvent(publisher, id, n);
    const seen: BacktestEvent[] = [];
    const unsubscribe = await hub.subscribe(id, 2, (event) => seen.push(event));
    expect(seen.map((e) => e.seq)).toEqual([3, 4, 5]);
    for (const n of range(6, 8)) await logEvent(publisher, id, n);
    await waitForCount(seen, 6);
    expect(seen.map((e) => e.seq)).toEqual(range(3, 8));
    expect(await hub.lastSeq(id)).toBe(8);
    unsubscribe();
    await logEvent(publisher, id, 9);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toHaveLength(6);
    await hub.close();
  });

  it('delivers each seq exactly once and in order while events race the replay', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    for (const n of range(1, 50)) await logEvent(publisher, id, n);
    // A second connection keeps publishing while the hub subscribes and reads the stream, so
    // live messages overlap every replay.
    const other = redis.duplicate();
    const otherPublisher = new BacktestEventPublisher(other, prefix);
    let published = 50;
    let subscribing = true;
    const publishing = (async () => {
      while (subscribing || published < 400) await logEvent(otherPublisher, id, ++published);
    })();
    const subscribers: Array<{ after: number; seqs: number[] }> = [];
    for (const after of [0, 10, 20, 30, 40]) {
      const seqs: number[] = [];
      subscribers.push({ after, seqs });
      await hub.subscribe(id, after, (event) => seqs.push(event.seq));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    subscribing = false;
    await publishing;
    for (const { after, seqs } of subscribers) {
      await waitForCount(seqs, published - after);
      expect(seqs).toEqual(range(after + 1, published));
    }
    await other.quit();
    await hub.close();
  });

  it('fills a gap the channel missed from the stream', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const hub = new BacktestEventHub(redis, prefix);
    const id = newId();
    const seen: number[] = [];
    await hub.subscribe(id, 0, (event) => seen.push(event.seq));
    await logEvent(publisher, id, 1);
    await waitForCount(seen, 1);
    // Events 2 and 3 reach the stream but not the channel, as during a subscriber reconnect.
    for (const seq of [2, 3]) {
      await redis.incr(redisKeys.eventSeq(prefix, id));
      const event = { type: 'log', seq, ts: new Date().toISOString(), data: {} };
      await redis.xadd(redisKeys.eventStream(prefix, id), `0-${seq}`, 'e', JSON.stringify(event));
    }
    await logEvent(publisher, id, 4);
    await waitForCount(seen, 4);
    expect(seen).toEqual([1, 2, 3, 4]);
    await hub.close();
  });

  it('keeps delivering to the others when one listener throws', async () => {
    const prefix = uniquePrefix();
    const publisher = new BacktestEventPublisher(redis, prefix);
    const errors: unknown[] = [];
    const hub = new BacktestEventHub(redis, prefix, { onError: (error) => errors.push(error) });
    const id = newId();
    const seen: number[] = [];
    await hub.subscribe(id, 0, () => {
      throw new Error('listener broke');
    });
    await hub.subscribe(id, 0, (event) => seen.push(event.seq));
    await logEvent(publisher, id, 1);
    await logEvent(publisher, id, 2);
    await waitForCount(seen, 2);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
    expect(hub.subscriberCount).toBe(2);
    await hub.close();
    expect(hub.subscriberCount).toBe(0);
  });

  it('answers lastSeq 0 for a backtest without events', async () => {
    const hub = new BacktestEventHub(redis, uniquePrefix());
    expect(await hub.lastSeq(newId())).toBe(0);
    await hub.close();
  });
});
