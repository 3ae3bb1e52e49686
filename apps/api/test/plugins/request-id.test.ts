import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@hindsight/service';
import { startTestRedis, uniquePrefix } from '@hindsight/service/testing';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { API_KEYS, bearer, KEYS } from '../support.js';

const lines: Record<string, unknown>[] = [];
let app: FastifyInstance;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const redis = await startTestRedis();
  const dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-api-'));
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: uniquePrefix('api'),
    API_KEYS,
  });
  app = await buildApp({ config, logger: pino({ level: 'info' }, sink) });
  cleanup = async () => {
    await app.close();
    await redis.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  };
});
afterAll(async () => {
  await cleanup?.();
});

describe('request ids', () => {
  it('honours X-Request-Id, returns it and puts it on every log line of the request', async () => {
    const response = await app.inject({
      url: '/api/v1/backtests/00000000-0000-4000-8000-000000000000',
      headers: { ...bearer(KEYS.alice), 'x-request-id': 'trace-42' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('trace-42');
    const mine = lines.filter((line) => line.reqId === 'trace-42');
    expect(mine.map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    expect(lines.filter((line) => 'req' in line || 'res' in line).every((l) => l.reqId)).toBe(true);
  });

  it('makes a UUID when the client sends none or one unfit for a header or a log', async () => {
    for (const sent of [undefined, 'x'.repeat(129), 'has space']) {
      const response = await app.inject({
        url: '/health',
        headers: sent === undefined ? {} : { 'x-request-id': sent },
      });
      expect(response.headers['x-request-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    const first = await app.inject('/health');
    const second = await app.inject('/health');
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});
