import { describe, expect, it } from 'vitest';
import { METRICS, type MetricSpec } from './catalogue.js';
import { INSTANCE_LABEL, SERVICE_LABEL } from './registry.js';

const specs: MetricSpec[] = Object.values(METRICS);
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

describe('the metric catalogue', () => {
  it('has every metric issue 5 asks for, under the name it asks for', () => {
    const names = specs.map((spec) => spec.name);
    for (const required of [
      'http_requests_total',
      'http_request_duration_seconds',
      'backtest_total',
      'backtest_duration_seconds',
      'backtest_active',
      'queue_jobs',
      'websocket_connections',
      'websocket_messages_total',
      'progress_event_lag_seconds',
      'store_operation_duration_seconds',
      'market_data_cache_requests_total',
      'market_data_cache_duration_seconds',
    ]) {
      expect(names, required).toContain(required);
    }
    expect(METRICS.backtestTotal.labelNames).toEqual(['status', 'strategy']);
    expect(METRICS.backtestDurationSeconds.labelNames).toEqual(['strategy', 'phase']);
    expect(METRICS.queueJobs.labelNames).toEqual(['queue', 'state']);
    expect(METRICS.httpRequestDurationSeconds.labelNames).toEqual([
      'route',
      'method',
      'status_code',
    ]);
  });

  it('uses each name once, and only valid Prometheus names and labels', () => {
    expect(new Set(specs.map((spec) => spec.name)).size).toBe(specs.length);
    for (const spec of specs) {
      expect(spec.name, spec.name).toMatch(NAME);
      expect(spec.name.startsWith('__'), `${spec.name} uses the reserved __ prefix`).toBe(false);
      for (const label of spec.labelNames) {
        expect(label, `${spec.name}{${label}}`).toMatch(LABEL);
        // le is the histogram bucket label; the others are set on every series by the registry
        // or by Prometheus at scrape time.
        expect(['le', 'job', 'instance', SERVICE_LABEL, INSTANCE_LABEL], spec.name).not.toContain(
          label,
        );
      }
    }
  });

  it('ends counters, and only counters, in _total', () => {
    for (const spec of specs) {
      expect(spec.name.endsWith('_total'), spec.name).toBe(spec.type === 'counter');
    }
  });

  it('measures every histogram in seconds, with increasing positive buckets', () => {
    for (const spec of specs) {
      if (spec.type !== 'histogram') continue;
      expect(spec.name, spec.name).toMatch(/_seconds$/);
      expect(spec.buckets.length, spec.name).toBeGreaterThan(3);
      expect(spec.buckets[0], spec.name).toBeGreaterThan(0);
      for (let i = 1; i < spec.buckets.length; i += 1) {
        expect(spec.buckets[i], `${spec.name} bucket ${i}`).toBeGreaterThan(
          spec.buckets[i - 1] as number,
        );
      }
    }
  });

  it('says who exports each metric and what it means', () => {
    for (const spec of specs) {
      expect(spec.services.length, spec.name).toBeGreaterThan(0);
      expect(spec.help, spec.name).toMatch(/^[A-Z].{15,}\.$/);
    }
  });
});
