import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigSchema, loadConfig } from './config.js';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('loadConfig accepted a bad environment');
}

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    const config = loadConfig({});
    // The defaults docs/operations.md names for each variable.
    expect(config).toEqual({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_ROOT: resolve('./data'),
      WORKER_CONCURRENCY: 2,
      LOG_LEVEL: 'info',
      API_KEYS: [],
      TASK_RESULT_TTL_DAYS: 7,
      ALPHAVANTAGE_CALLS_PER_MINUTE: 5,
      QUEUE_PREFIX: 'hindsight',
      QUOTA_ACTIVE_FREE: 2,
      QUOTA_ACTIVE_BASIC: 10,
      QUOTA_ACTIVE_PRO: 50,
      RATE_LIMIT_FREE: 60,
      RATE_LIMIT_BASIC: 300,
      RATE_LIMIT_PRO: 1200,
      BAD_KEYS_PER_MINUTE: 10,
      LIMIT_BARS_FREE: 250_000,
      LIMIT_BARS_BASIC: 1_000_000,
      LIMIT_BARS_PRO: 5_000_000,
      LIMIT_DISK_MB_FREE: 200,
      LIMIT_DISK_MB_BASIC: 2_000,
      LIMIT_DISK_MB_PRO: 20_000,
      LIMIT_SYMBOLS_FREE: 3,
      LIMIT_SYMBOLS_BASIC: 10,
      LIMIT_SYMBOLS_PRO: 10,
      SWEEP_COMBOS_FREE: 500,
      SWEEP_COMBOS_BASIC: 10_000,
      SWEEP_COMBOS_PRO: 100_000,
      QUOTA_SWEEPS_FREE: 1,
      QUOTA_SWEEPS_BASIC: 3,
      QUOTA_SWEEPS_PRO: 10,
      SWEEP_CHUNK_BARS: 2_000_000,
      WS_MAX_CONNECTIONS_PER_USER: 20,
      CORS_ORIGINS: [],
      BODY_LIMIT_BYTES: 65_536,
      CHECKPOINT_INTERVAL_MS: 5_000,
      INDICATORS_JOB_MIN_BARS: 200_000,
      WORKER_METRICS_PORT: 9464,
      WORKER_SHUTDOWN_GRACE_SECONDS: 3,
      RECONCILE_INTERVAL_SECONDS: 60,
      WEBHOOK_ALLOWED_HOSTS: [],
      WEBHOOK_MAX_ATTEMPTS: 14,
      WEBHOOK_RETRY_DELAY_MS: 10_000,
      SMTP_FROM: 'Hindsight <hindsight@localhost>',
    });
  });

  it('reads the notification settings: allowed hosts as a lower-case list, SMTP and public URLs', () => {
    const config = loadConfig({
      WEBHOOK_ALLOWED_HOSTS: ' Hooks.Internal, 10.0.0.7 ,,[::1]',
      SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      PUBLIC_URL: 'https://hindsight.example.com',
    });
    expect(config.WEBHOOK_ALLOWED_HOSTS).toEqual(['hooks.internal', '10.0.0.7', '[::1]']);
    expect(config.SMTP_URL).toBe('smtps://user:pw@mail.example.com:465');
    expect(config.PUBLIC_URL).toBe('https://hindsight.example.com');
    expect(issuesOf({ SMTP_URL: 'mail.example.com', PUBLIC_URL: 'example.com' })).toEqual([
      'PUBLIC_URL must be an http:// or https:// URL, got "example.com"',
      'SMTP_URL must be an smtp:// or smtps:// URL, got "mail.example.com"',
    ]);
  });

  it('reads set variables, treating empty ones as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://10.0.0.5:6380/2',
      MONGODB_URL: 'mongodb+srv://db.example.com/hindsight',
      DATA_ROOT: '/var/lib/hindsight',
      WORKER_CONCURRENCY: ' 8 ',
      LOG_LEVEL: 'debug',
      TASK_RESULT_TTL_DAYS: '0.5',
      ALPHAVANTAGE_API_KEY: 'demo',
      QUEUE_PREFIX: '{hindsight}',
      QUOTA_ACTIVE_PRO: '',
      RATE_LIMIT_PRO: '   ',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '0.0.0.0',
      REDIS_URL: 'redis://10.0.0.5:6380/2',
      MONGODB_URL: 'mongodb+srv://db.example.com/hindsight',
      DATA_ROOT: '/var/lib/hindsight',
      WORKER_CONCURRENCY: 8,
      LOG_LEVEL: 'debug',
      TASK_RESULT_TTL_DAYS: 0.5,
      ALPHAVANTAGE_API_KEY: 'demo',
      QUEUE_PREFIX: '{hindsight}',
      QUOTA_ACTIVE_PRO: 50,
      RATE_LIMIT_PRO: 1200,
    });
  });

  it('parses API_KEYS into entries', () => {
    const config = loadConfig({
      API_KEYS: 'alice-key-0123456789abc:alice:pro:admin, bob-key-0123456789abcdef:bob:free',
    });
    expect(config.API_KEYS).toEqual([
      { key: 'alice-key-0123456789abc', userId: 'alice', tier: 'pro', admin: true },
      { key: 'bob-key-0123456789abcdef', userId: 'bob', tier: 'free', admin: false },
    ]);
  });

  it('parses CORS_ORIGINS into a list and names an origin with a path', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).CORS_ORIGINS,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/ui' })).toThrow(
      'CORS_ORIGINS must list an origin like https://app.example.com or http://localhost:5173 (no path), got "https://app.example.com/ui"',
    );
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer in 1..65535, got "abc"'],
    ['PORT', '70000', 'PORT must be an integer in 1..65535, got "70000"'],
    ['PORT', '80.5', 'PORT must be an integer in 1..65535, got "80.5"'],
    [
      'REDIS_URL',
      'localhost:6379',
      'REDIS_URL must be a redis:// or rediss:// URL, got "localhost:6379"',
    ],
    [
      'MONGODB_URL',
      'postgres://db',
      'MONGODB_URL must be a mongodb:// or mongodb+srv:// URL, got "postgres://db"',
    ],
    ['WORKER_CONCURRENCY', '0', 'WORKER_CONCURRENCY must be an integer in 1..256, got "0"'],
    [
      'LOG_LEVEL',
      'loud',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [
      'TASK_RESULT_TTL_DAYS',
      '-1',
      'TASK_RESULT_TTL_DAYS must be a number greater than 0, got "-1"',
    ],
    [
      'ALPHAVANTAGE_CALLS_PER_MINUTE',
      'many',
      'ALPHAVANTAGE_CALLS_PER_MINUTE must be an integer in 1..10000, got "many"',
    ],
    [
      'QUEUE_PREFIX',
      'hind sight',
      'QUEUE_PREFIX must be letters, digits, _ . - (optionally wrapped in {} for Redis Cluster), got "hind sight"',
    ],
    ['QUOTA_ACTIVE_FREE', 'x', 'QUOTA_ACTIVE_FREE must be an integer in 1..1000000, got "x"'],
    ['QUOTA_ACTIVE_BASIC', '-3', 'QUOTA_ACTIVE_BASIC must be an integer in 1..1000000, got "-3"'],
    ['QUOTA_ACTIVE_PRO', '1e3', 'QUOTA_ACTIVE_PRO must be an integer in 1..1000000, got "1e3"'],
    ['RATE_LIMIT_FREE', '0', 'RATE_LIMIT_FREE must be an integer in 1..1000000, got "0"'],
    ['RATE_LIMIT_BASIC', 'fast', 'RATE_LIMIT_BASIC must be an integer in 1..1000000, got "fast"'],
    ['RATE_LIMIT_PRO', '2.5', 'RATE_LIMIT_PRO must be an integer in 1..1000000, got "2.5"'],
    [
      'WS_MAX_CONNECTIONS_PER_USER',
      'none',
      'WS_MAX_CONNECTIONS_PER_USER must be an integer in 1..1000000, got "none"',
    ],
    ['BODY_LIMIT_BYTES', '1kb', 'BODY_LIMIT_BYTES must be an integer in 1..104857600, got "1kb"'],
    [
      'WORKER_METRICS_PORT',
      '99999',
      'WORKER_METRICS_PORT must be an integer in 1..65535, got "99999"',
    ],
  ])('rejects %s=%j', (name, value, message) => {
    expect(issuesOf({ [name]: value })).toEqual([message]);
  });

  it.each([
    ['nokey', 'API_KEYS entry 1 must look like key:userId:tier[:admin], got "nokey"'],
    [
      'key-0123456789abcdef:u:gold',
      'API_KEYS entry 1 has tier "gold"; must be one of free, basic, pro',
    ],
    ['key-0123456789abcdef:u:pro:root', 'API_KEYS entry 1 has "root" where only "admin" may stand'],
    [
      'change-me-alice:u:pro',
      'API_KEYS entry 1 has a key of 15 characters; at least 20 are needed (make one with: openssl rand -hex 16)',
    ],
    [
      'key-0123456789abcdef:a:pro,key-0123456789abcdef:b:free',
      'API_KEYS entry 2 repeats a key given earlier',
    ],
    [':u:pro', 'API_KEYS entry 1 must look like key:userId:tier[:admin], got ":u:pro"'],
  ])('rejects API_KEYS=%j', (value, message) => {
    expect(issuesOf({ API_KEYS: value })).toEqual([message]);
  });

  it('lists every bad variable, one per line', () => {
    expect(issuesOf({ PORT: 'abc', LOG_LEVEL: 'loud', API_KEYS: 'x' })).toEqual([
      'PORT must be an integer in 1..65535, got "abc"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'API_KEYS entry 1 must look like key:userId:tier[:admin], got "x"',
    ]);
  });
});

describe('.env.example', () => {
  it('lists every variable with its default, and loads as the defaults', async () => {
    const text = await readFile(new URL('../../../.env.example', import.meta.url), 'utf8');
    const env: NodeJS.ProcessEnv = {};
    for (const line of text.split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line);
      if (match) env[match[1]!] = match[2];
    }
    expect(Object.keys(env).sort()).toEqual(Object.keys(ConfigSchema.properties).sort());
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
