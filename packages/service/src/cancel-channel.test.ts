import { newId } from '@hindsight/models';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelChannel } from './cancel-channel.js';
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

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 1_000;
  while (!condition() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('CancelChannel', () => {
  it('carries a cancel request from one process to every listening one', async () => {
    const prefix = uniquePrefix();
    const api = new CancelChannel(redis, prefix);
    const workers = [new CancelChannel(redis, prefix), new CancelChannel(redis, prefix)];
    const heard: string[][] = [[], []];
    for (const [i, worker] of workers.entries()) {
      await worker.onCancel((id) => heard[i]!.push(id));
    }
    const id = newId();
    expect(await api.requestCancel(id)).toBe(2);
    await until(() => heard.every((ids) => ids.length === 1));
    expect(heard).toEqual([[id], [id]]);
    await Promise.all([api, ...workers].map((channel) => channel.close()));
  });

  it('leaves the request visible to a worker that was not listening', async () => {
    const prefix = uniquePrefix();
    const api = new CancelChannel(redis, prefix, { requestTtlSeconds: 30 });
    const [cancelled, other] = [newId(), newId()];
    expect(await api.requestCancel(cancelled)).toBe(0);
    expect(await api.isCancelRequested(cancelled)).toBe(true);
    expect(await api.isCancelRequested(other)).toBe(false);
    expect(await redis.ttl(`${prefix}:cancel:${cancelled}`)).toBeLessThanOrEqual(30);
    await api.close();
  });

  it('stops calling a listener once it unsubscribed, and keeps prefixes apart', async () => {
    const prefix = uniquePrefix();
    const worker = new CancelChannel(redis, prefix);
    const stranger = new CancelChannel(redis, uniquePrefix());
    const kept: string[] = [];
    const dropped: string[] = [];
    await worker.onCancel((id) => kept.push(id));
    const unsubscribe = await worker.onCancel((id) => dropped.push(id));
    const first = newId();
    await worker.requestCancel(first);
    await until(() => kept.length === 1 && dropped.length === 1);
    unsubscribe();
    const second = newId();
    await worker.requestCancel(second);
    await stranger.requestCancel(newId());
    await until(() => kept.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kept).toEqual([first, second]);
    expect(dropped).toEqual([first]);
    await Promise.all([worker.close(), stranger.close()]);
  });
});
