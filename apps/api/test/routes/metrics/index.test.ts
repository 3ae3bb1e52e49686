import { metricNames } from '@hindsight/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, KEYS, startTestApp, type TestApp } from '../../support.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** `name{labels} value` lines of the exposition, comments dropped. */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('GET /metrics', () => {
  it('serves the api catalogue, request counts by route template and queue depth', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await t.app.inject('/health')).statusCode).toBe(200);
    const missing = await t.app.inject({
      url: `/api/v1/backtests/${id}`,
      headers: bearer(KEYS.alice),
    });
    expect(missing.statusCode).toBe(404);
    expect((await t.app.inject('/no-such-route')).statusCode).toBe(404);

    const response = await t.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = samples(response.body);
    const exported = new Set(lines.map((line) => line.replace(/[{ ].*$/, '')));

    // Series with no sample until something happens: a WebSocket message, an event relayed, a
    // cache read, a finished backtest, an in-flight libuv request (Node lists them by type).
    const needsAnEvent = [
      /^websocket_messages_total$/,
      /^progress_event_lag_seconds/,
      /^market_data_cache_requests_total$/,
      /^nodejs_active_requests$/,
    ];
    const expected = metricNames('api').filter((name) => !needsAnEvent.some((re) => re.test(name)));
    expect(expected.filter((name) => !exported.has(name))).toEqual([]);

    expect(lines).toContainEqual(
      expect.stringMatching(
        /^http_requests_total\{route="\/health",method="GET",status_code="200",service="api",service_instance_id="[^"]+"\} 1$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^http_requests_total\{route="\/api\/v1\/backtests\/:id",method="GET",status_code="404",/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^http_requests_total\{route="unmatched",method="GET",status_code="404",/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^queue_jobs\{queue="simulation",state="waiting",service="api",.*\} 0$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^store_operation_duration_seconds_count\{.*operation="getBacktest"\} 1$/,
      ),
    );
  });
});
