import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, listenLocally, startTestApp, type TestApp } from '../support.js';

const ALLOWED = 'https://app.example.com';
let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
  base = await listenLocally(t.app);
});
afterAll(async () => {
  await t?.close();
});

/** A header's comma-separated list, lower-cased. */
function listOf(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '').toLowerCase().split(/,\s*/);
}

/** What a browser sends before a cross-origin submit with a key and an Idempotency-Key. */
function preflight(origin: string) {
  return fetch(`${base}/api/v1/backtests`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
}

describe('CORS', () => {
  it('answers a preflight from an allowed origin with the methods and headers a client needs', async () => {
    const response = await preflight(ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = listOf(response, 'access-control-allow-headers');
    for (const header of ['authorization', 'content-type', 'idempotency-key']) {
      expect(allowed).toContain(header);
    }
  });

  it('gives a preflight from any other origin no allow-origin header', async () => {
    const response = await preflight('https://evil.example.com');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a script of an allowed origin read Location and the rate-limit headers', async () => {
    const response = await fetch(`${base}/api/v1/backtests`, {
      headers: { origin: 'http://localhost:5173', ...bearer(KEYS.alice) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const exposed = listOf(response, 'access-control-expose-headers');
    for (const header of ['location', 'retry-after', 'x-ratelimit-remaining', 'x-request-id']) {
      expect(exposed).toContain(header);
    }
  });
});
