import { describe, expect, it } from 'vitest';
import { observeHttpRequest, UNMATCHED_ROUTE } from './http-requests.js';
import { createRegistry } from './registry.js';
import { sampleValue, scrape } from './test-support.js';

describe('observeHttpRequest', () => {
  it('counts and times a request under its route template, method and status', async () => {
    const { registry, metrics } = createRegistry({ service: 'api', defaultMetrics: false });
    const request = { route: '/api/v1/backtests/:id', method: 'GET', statusCode: 200 };
    observeHttpRequest(metrics, { ...request, seconds: 0.03 });
    observeHttpRequest(metrics, { ...request, seconds: 0.07 });
    const samples = await scrape(registry);
    const labels = { route: '/api/v1/backtests/:id', method: 'GET', status_code: '200' };
    expect(sampleValue(samples, 'http_requests_total', labels)).toBe(2);
    expect(sampleValue(samples, 'http_request_duration_seconds_count', labels)).toBe(2);
    // 0.03 + 0.07 = 0.1 s; both lie in (0.025, 0.1].
    expect(sampleValue(samples, 'http_request_duration_seconds_sum', labels)).toBeCloseTo(0.1, 12);
    expect(
      sampleValue(samples, 'http_request_duration_seconds_bucket', { ...labels, le: '0.025' }),
    ).toBe(0);
    expect(
      sampleValue(samples, 'http_request_duration_seconds_bucket', { ...labels, le: '0.1' }),
    ).toBe(2);
  });

  it('files a request no route matched under one label value, never its URL', async () => {
    const { registry, metrics } = createRegistry({ service: 'api', defaultMetrics: false });
    observeHttpRequest(metrics, {
      route: undefined,
      method: 'GET',
      statusCode: 404,
      seconds: 0.001,
    });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'http_requests_total', { route: UNMATCHED_ROUTE })).toBe(1);
  });
});
