import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { ServiceName } from './catalogue.js';
import { TelemetryError } from './errors.js';
import { createRegistry, INSTANCE_LABEL, SERVICE_LABEL } from './registry.js';
import { sampleValue, scrape } from './test-support.js';

describe('createRegistry', () => {
  it('labels every sample with the service and the process', async () => {
    const { registry, metrics } = createRegistry({ service: 'api', instance: 'api-7' });
    metrics.websocketConnections.inc();
    const samples = await scrape(registry);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.labels[SERVICE_LABEL], sample.name).toBe('api');
      expect(sample.labels[INSTANCE_LABEL], sample.name).toBe('api-7');
    }
    expect(sampleValue(samples, 'websocket_connections')).toBe(1);
  });

  it('names the process by host and pid unless told otherwise', () => {
    expect(createRegistry({ service: 'worker', defaultMetrics: false }).instance).toBe(
      `${hostname()}-${process.pid}`,
    );
  });

  it("registers a service's own metrics only, typed by their labels", async () => {
    const api = createRegistry({ service: 'api', defaultMetrics: false });
    const worker = createRegistry({ service: 'worker', defaultMetrics: false });
    api.metrics.httpRequestsTotal.inc({ route: '/health', method: 'GET', status_code: '200' });
    worker.metrics.backtestActive.set(2);
    // @ts-expect-error the worker answers no HTTP requests of the api
    expect(worker.metrics.httpRequestsTotal).toBeUndefined();
    // @ts-expect-error the api runs no backtests
    expect(api.metrics.backtestActive).toBeUndefined();
    // @ts-expect-error queue depth is registered by its collector, not by createRegistry
    expect(api.metrics.queueJobs).toBeUndefined();
    expect(
      sampleValue(await scrape(api.registry), 'http_requests_total', { route: '/health' }),
    ).toBe(1);
    expect(sampleValue(await scrape(worker.registry), 'backtest_active')).toBe(2);
  });

  it("adds Node's default metrics unless asked not to", async () => {
    const withDefaults = await scrape(createRegistry({ service: 'worker' }).registry);
    const without = await scrape(
      createRegistry({ service: 'worker', defaultMetrics: false }).registry,
    );
    expect(sampleValue(withDefaults, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(without.some((sample) => sample.name.startsWith('process_'))).toBe(false);
  });

  it('rejects an unknown service and an empty instance', () => {
    expect(() => createRegistry({ service: 'scheduler' as ServiceName })).toThrow(
      new TelemetryError('service must be one of api, worker, got "scheduler"'),
    );
    expect(() => createRegistry({ service: 'api', instance: ' ' })).toThrow(
      new TelemetryError('instance must not be empty'),
    );
  });
});
