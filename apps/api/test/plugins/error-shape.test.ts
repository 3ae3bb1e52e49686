import { ErrorBody } from '@hindsight/models';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  type ErrorJson,
  KEYS,
  listenLocally,
  startTestApp,
  type TestApp,
} from '../support.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  base = await listenLocally(t.app);
});
afterAll(async () => {
  await t?.close();
});

/** The answer's status and body, after checking the body is the one documented error shape. */
async function errorOf(path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, init);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorJson;
  expect(Value.Check(ErrorBody, body), JSON.stringify(body)).toBe(true);
  return { status: response.status, error: body.error };
}

const auth = bearer(KEYS.alice);
const json = { ...auth, 'content-type': 'application/json' };

describe('every error has the { error: { code, message } } shape', () => {
  it('a path with bad %-encoding: 400 HS_ERR_VALIDATION, with the request id', async () => {
    const response = await fetch(`${base}/api/v1/backtests/%zz`, {
      headers: { ...auth, 'x-request-id': 'bad-url-1' },
    });
    expect(response.headers.get('x-request-id')).toBe('bad-url-1');
    const body = (await response.json()) as ErrorJson;
    expect(response.status).toBe(400);
    expect(body.error).toMatchObject({ code: 'HS_ERR_VALIDATION' });
    expect(body.error.message).toMatch(/URL encoding/);
  });

  it('a 400-character id: 400 HS_ERR_VALIDATION', async () => {
    const { status, error } = await errorOf(`/api/v1/backtests/${'a'.repeat(400)}`, {
      headers: auth,
    });
    expect(status).toBe(400);
    expect(error.code).toBe('HS_ERR_VALIDATION');
  });

  it('an unknown route: 404 HS_ERR_ROUTE_NOT_FOUND, with or without a key', async () => {
    for (const headers of [auth, {}]) {
      const { status, error } = await errorOf('/api/v2/nothing', { headers });
      expect(status).toBe(404);
      expect(error.code).toBe('HS_ERR_ROUTE_NOT_FOUND');
    }
  });

  it('a body that is not JSON: 400 HS_ERR_VALIDATION', async () => {
    const { status, error } = await errorOf('/api/v1/backtests', {
      method: 'POST',
      headers: json,
      body: '{"name": ',
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({
      code: 'HS_ERR_VALIDATION',
      message: 'invalid request: the body is not valid JSON',
    });
  });

  it('a body of another media type: 400 HS_ERR_VALIDATION', async () => {
    const { status, error } = await errorOf('/api/v1/backtests', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/xml' },
      body: '<backtest/>',
    });
    expect(status).toBe(400);
    expect(error.code).toBe('HS_ERR_VALIDATION');
  });

  it('a body over BODY_LIMIT_BYTES: 413 HS_ERR_PAYLOAD_TOO_LARGE', async () => {
    const { status, error } = await errorOf('/api/v1/backtests', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'x'.repeat(4096) }),
    });
    expect(status).toBe(413);
    expect(error).toMatchObject({
      code: 'HS_ERR_PAYLOAD_TOO_LARGE',
      message: 'request body exceeds the limit of 2048 bytes',
    });
  });
});
