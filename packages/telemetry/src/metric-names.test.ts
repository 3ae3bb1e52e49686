import { describe, expect, it } from 'vitest';
import { type MetricSpec, SERVICES } from './catalogue.js';
import { metricNames, seriesNames } from './metric-names.js';
import { NODE_DEFAULT_METRICS } from './node-metrics.js';
import { queueDepthCollector } from './queue-depth.js';
import { createRegistry } from './registry.js';

/** Series prom-client registers on Linux only; elsewhere (a developer's Mac) they are missing. */
const ABSENT_HERE = new Set(
  process.platform === 'linux'
    ? []
    : NODE_DEFAULT_METRICS.filter((metric) => metric.linuxOnly).map((metric) => metric.name),
);
const expectedHere = (names: string[]) => names.filter((name) => !ABSENT_HERE.has(name));

/** A registry as the process would run it: the api also has the queue depth collector. */
function liveRegistry(service: (typeof SERVICES)[number]) {
  const telemetry = createRegistry({ service, instance: 'test' });
  if (service === 'api') {
    queueDepthCollector(telemetry.registry, async () => ({ simulation: { waiting: 1 } }));
  }
  return telemetry;
}

describe('metricNames', () => {
  it('lists a histogram by its _bucket, _sum and _count series, not its bare name', () => {
    expect(seriesNames({ name: 'x_seconds', type: 'histogram' })).toEqual([
      'x_seconds_bucket',
      'x_seconds_sum',
      'x_seconds_count',
    ]);
    const names = metricNames('api');
    expect(names).toContain('http_request_duration_seconds_bucket');
    expect(names).not.toContain('http_request_duration_seconds');
  });

  it('keeps each service to its own metrics and lists both without an argument', () => {
    expect(metricNames('worker')).not.toContain('http_requests_total');
    expect(metricNames('api')).not.toContain('backtest_active');
    expect(metricNames()).toEqual(
      [...new Set([...metricNames('api'), ...metricNames('worker')])].sort(),
    );
  });

  it('names exactly the metrics prom-client registers by default', () => {
    const { registry } = createRegistry({ service: 'worker', instance: 'test' });
    const registered = registry
      .getMetricsAsArray()
      .filter((metric) => /^(process|nodejs)_/.test(metric.name))
      .map((metric) => ({ name: metric.name, type: String(metric.type) }));
    expect(registered).toEqual(
      NODE_DEFAULT_METRICS.filter((metric) => !ABSENT_HERE.has(metric.name)).map(
        ({ name, type }) => ({ name, type }),
      ),
    );
  });

  it.each(SERVICES)('names exactly the series the %s registry registers', (service) => {
    const { registry } = liveRegistry(service);
    const registered = registry
      .getMetricsAsArray()
      .flatMap((metric) =>
        seriesNames({ name: metric.name, type: String(metric.type) as MetricSpec['type'] }),
      );
    expect([...new Set(registered)].sort()).toEqual(expectedHere(metricNames(service)));
  });

  it.each(SERVICES)(
    'matches the samples the %s registry writes once each metric is used',
    async (service) => {
      const { registry } = liveRegistry(service);
      for (const metric of registry.getMetricsAsArray()) {
        const labels = Object.fromEntries(
          ((metric as unknown as { labelNames: string[] }).labelNames ?? []).map((l) => [l, 'x']),
        );
        const used = metric as unknown as {
          inc?: (labels: object, value?: number) => void;
          observe?: (labels: object, value: number) => void;
        };
        if (String(metric.type) === 'histogram') used.observe?.(labels, 0.2);
        else used.inc?.(labels, 1);
      }
      const exposition = await registry.metrics();
      const sampleNames = new Set(
        exposition
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith('#'))
          .map((line) => line.split(/[{ ]/)[0] as string),
      );
      const known = metricNames(service);
      for (const name of sampleNames) expect(known, name).toContain(name);
      // Node's metrics overwrite their values on scrape (no active request: no sample), so only
      // Hindsight's own series are certain to appear.
      const defaults = new Set(NODE_DEFAULT_METRICS.flatMap(seriesNames));
      for (const name of known.filter((n) => !defaults.has(n)))
        expect(sampleNames, name).toContain(name);
    },
  );
});
