import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '@hindsight/service';
import {
  type RedisServerHandle,
  type ServiceProcess,
  startProcess,
  startTestRedis,
  uniquePrefix,
} from '@hindsight/service/testing';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../src/app.js';

/** Keys of API_KEYS in every test app: two ordinary users of different tiers and an admin. */
export const KEYS = {
  alice: 'alice-key-0000000000001',
  bob: 'bob-key-00000000000000001',
  admin: 'admin-key-0000000000001',
} as const;

export const API_KEYS = `${KEYS.alice}:alice:free,${KEYS.bob}:bob:pro,${KEYS.admin}:root:basic:admin`;

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/**
 * One request to a listening api (`base` its http://host:port) as `key`, with a JSON body when
 * given: the status, the body parsed (null when empty), its text and the headers.
 */
export async function apiCall(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON by the shapes they expect
): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...bearer(key),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    text,
    headers: response.headers,
  };
}

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  dataRoot: string;
  redisUrl: string;
  /** Its private redis-server, for tests that take Redis away. */
  redis: RedisServerHandle;
  /** Closes the app, stops its redis-server and removes DATA_ROOT. */
  close(): Promise<void>;
}

/**
 * The whole api over a private redis-server and a SQLite file in a fresh DATA_ROOT; `env` adds to
 * or overrides the environment it is configured from.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Pick<AppOptions, 'wsPingIntervalMs' | 'logger'> = {},
): Promise<TestApp> {
  const redis = await startTestRedis();
  const dataRoot = mkdtempSync(join(tmpdir(), 'hindsight-api-'));
  const config = loadConfig({
    REDIS_URL: redis.url,
    DATA_ROOT: dataRoot,
    QUEUE_PREFIX: uniquePrefix('api'),
    API_KEYS,
    LOG_LEVEL: 'silent',
    ...env,
  });
  try {
    const app = await buildApp({ config, logger: false, ...options });
    return {
      app,
      config,
      dataRoot,
      redisUrl: redis.url,
      redis,
      async close() {
        await app.close();
        await redis.stop();
        rmSync(dataRoot, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await redis.stop();
    rmSync(dataRoot, { recursive: true, force: true });
    throw error;
  }
}

/** An error answer's body, as docs/api.md documents it. */
export interface ErrorJson {
  error: { code: string; message: string; details?: unknown };
}

/** Starts the app listening on a free local port; the base URL (`http://127.0.0.1:<port>`). */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * The real worker as a child process beside a test app: its Redis, DATA_ROOT and queue prefix,
 * plus `env`. Resolves once it says it is ready.
 */
export function startWorkerFor(
  t: TestApp,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startProcess(
    'apps/worker/src/main.ts',
    {
      REDIS_URL: t.redisUrl,
      DATA_ROOT: t.config.DATA_ROOT,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      LOG_LEVEL: 'info',
      ...env,
    },
    /worker ready/,
  );
}

/** A submit body like docs/api.md's example, on a synthetic series (no file to import). */
export function submitBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'demo 10/30',
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: ['synthetic:DEMO'],
    timeframe: '1d',
    start: '2015-01-01',
    end: '2020-12-31',
    ...overrides,
  };
}
