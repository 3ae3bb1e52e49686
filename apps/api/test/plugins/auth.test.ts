import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@hindsight/service';
import { startTestRedis, uniquePrefix } from '@hindsight/service/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { hashApiKey } from '../../src/plugins/app/api-keys.js';
import { bearer, KEYS, startTestApp, type TestApp } from '../support.js';

describe('the first start with no key anywhere', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  let dataRoot: string;
  beforeAll(async () => {
    redis = await startTestRedis();
    dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-api-auth-'));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  async function start() {
    const announced: string[] = [];
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const config = loadConfig({
      REDIS_URL: redis.url,
      DATA_ROOT: dataRoot,
      QUEUE_PREFIX: uniquePrefix('auth'),
    });
    const app = await buildApp({
      config,
      logger: pino({ level: 'warn' }, sink),
      announce: (text) => announced.push(text),
    });
    return { app, lines, announced, config };
  }

  it('creates an admin key, stores only its hash, prints it once in a banner, never in a log line; a restart prints none', async () => {
    const first = await start();
    const { config } = first;
    const warnings = first.lines.filter((line) => line.msg.includes('admin key was created'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level, 'pino warn').toBe(40);
    expect(first.announced).toHaveLength(1);
    const key = /^ {4}(hs_\S+)$/m.exec(first.announced[0]!)?.[1];
    expect(key).toBeDefined();
    expect(first.announced[0], 'a link to the console that signs in with the key').toContain(
      `    http://127.0.0.1:${config.PORT}/#key=${key}\n`,
    );
    expect(JSON.stringify(first.lines), 'the key is in no log line').not.toContain(key);
    const stored = await first.app.store.findApiKeyByHash(hashApiKey(key!));
    expect(stored).toMatchObject({ userId: 'admin', admin: true });
    const queue = await first.app.inject({ url: '/api/v1/queue', headers: bearer(key!) });
    expect(queue.statusCode, 'the key is an admin key').toBe(200);
    await first.app.close();

    const second = await start();
    expect(second.lines.filter((line) => line.msg.includes('admin key'))).toEqual([]);
    expect(second.announced).toEqual([]);
    expect(await second.app.store.countApiKeys()).toBe(1);
    await second.app.close();
  });
});

describe('keys from the store and the rate limit per key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_FREE: '3', RATE_LIMIT_PRO: '1000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('accepts a key stored by `hindsight keys create` (its SHA-256)', async () => {
    await t.app.store.createApiKey({
      keyHash: hashApiKey('stored-key-0000000000001'),
      userId: 'carol',
      tier: 'basic',
      admin: false,
    });
    const response = await t.app.inject({
      url: '/api/v1/backtests',
      headers: bearer('stored-key-0000000000001'),
    });
    expect(response.statusCode).toBe(200);
  });

  it('allows RATE_LIMIT_FREE = 3 requests a minute to a free key, then 429 with Retry-After', async () => {
    const statuses = [];
    let last: Awaited<ReturnType<typeof t.app.inject>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await t.app.inject({ url: '/api/v1/strategies', headers: bearer(KEYS.alice) });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.json().error.code).toBe('HS_ERR_RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(last!.headers['retry-after'])).toBeLessThanOrEqual(60);
    const pro = await t.app.inject({ url: '/api/v1/strategies', headers: bearer(KEYS.bob) });
    expect(pro.statusCode, 'another key has its own count').toBe(200);
    expect((await t.app.inject('/health')).statusCode, 'public routes are not counted').toBe(200);
  });
});

describe('repeated bad keys from one address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BAD_KEYS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const from = (remoteAddress: string, key: string) =>
    t.app.inject({ url: '/api/v1/strategies', headers: bearer(key), remoteAddress });

  it('are answered 401 BAD_KEYS_PER_MINUTE times, then 429 with Retry-After, even for a good key', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from('10.0.0.1', `guess-${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const good = await from('10.0.0.1', KEYS.alice);
    expect(good.statusCode, 'the address is refused for the rest of its minute').toBe(429);
    expect(good.json().error.code).toBe('HS_ERR_RATE_LIMITED');
    expect(Number(good.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(good.headers['retry-after'])).toBeLessThanOrEqual(60);
    const keys = await t.app.redis.keys(`${t.config.QUEUE_PREFIX}:bad-keys:*`);
    expect(keys, 'counted in Redis, so every api process sees it').toEqual([
      `${t.config.QUEUE_PREFIX}:bad-keys:10.0.0.1`,
    ]);
  });

  it('do not affect another address, nor requests without a key', async () => {
    expect((await from('10.0.0.2', KEYS.alice)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) {
      const none = await t.app.inject({ url: '/api/v1/strategies', remoteAddress: '10.0.0.3' });
      expect(none.statusCode).toBe(401);
    }
    expect((await from('10.0.0.3', KEYS.alice)).statusCode).toBe(200);
  });
});
