import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '@hindsight/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, type TestApp } from '../support.js';
import { watch } from '../ws-client.js';

describe('redactUrl', () => {
  it.each([
    ['/ws/backtest/01a?token=secret-key&after=3', '/ws/backtest/01a?token=%5Bredacted%5D&after=3'],
    ['/api/v1/backtests?limit=5', '/api/v1/backtests?limit=5'],
    ['redis://:hunter2@db:6379/0', 'redis://:%5Bredacted%5D@db:6379/0'],
    [
      'https://www.alphavantage.co/query?function=X&apikey=ABC',
      'https://www.alphavantage.co/query?function=X&apikey=%5Bredacted%5D',
    ],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('the api logs no credential', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', name: 'api', destination });
    t = await startTestApp({}, { logger });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('neither a Bearer header nor a WebSocket ?token=, while still logging the requests', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const rest = await t.app.inject({ url: '/api/v1/strategies', headers: bearer(KEYS.alice) });
    expect(rest.statusCode).toBe(200);
    const socket = watch(`ws://127.0.0.1:${port}/ws/backtest/nosuch?token=${KEYS.bob}`);
    await socket.closed;
    const text = lines.join('');
    expect(text).toContain('/api/v1/strategies');
    expect(text).toContain('/ws/backtest/nosuch?token=%5Bredacted%5D');
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
  });

  it('logs /health and /ready below info: probes every few seconds would drown the log', async () => {
    lines.length = 0;
    await t.app.inject('/health');
    await t.app.inject('/ready');
    expect(lines.join('')).not.toMatch(/"url":"\/(health|ready)"/);
  });
});
