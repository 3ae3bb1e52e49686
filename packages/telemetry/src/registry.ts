import { hostname } from 'node:os';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import {
  METRICS,
  type MetricKey,
  type MetricSpec,
  type Metrics,
  SERVICES,
  type ServiceName,
} from './catalogue.js';
import { TelemetryError } from './errors.js';

/** The default labels on every series: which service, and which process of it. */
export const SERVICE_LABEL = 'service';
/**
 * Not `instance`: Prometheus sets `instance` to the scrape target's address and would rename a
 * clashing exported label to `exported_instance`.
 */
export const INSTANCE_LABEL = 'service_instance_id';

type LabelOf<K extends MetricKey> = Metrics[K]['labelNames'][number];

/** The prom-client object of a catalogue entry, typed with its own label names. */
export type Instrument<K extends MetricKey> = Metrics[K]['type'] extends 'counter'
  ? Counter<LabelOf<K>>
  : Metrics[K]['type'] extends 'gauge'
    ? Gauge<LabelOf<K>>
    : Histogram<LabelOf<K>>;

type RegisteredKey<S extends ServiceName> = {
  [K in MetricKey]: Metrics[K] extends { registeredBy: string }
    ? never
    : S extends Metrics[K]['services'][number]
      ? K
      : never;
}[MetricKey];

/** The metrics `createRegistry` registers for service S, by catalogue key. */
export type ServiceMetrics<S extends ServiceName> = {
  readonly [K in RegisteredKey<S>]: Instrument<K>;
};

export interface RegistryOptions<S extends ServiceName> {
  service: S;
  /** Tells this process from its replicas. Default: `<hostname>-<pid>` (a container id in Docker). */
  instance?: string;
  /** Node's default process metrics (CPU, memory, event loop, GC). Default: true. */
  defaultMetrics?: boolean;
}

export interface Telemetry<S extends ServiceName> {
  readonly service: S;
  readonly instance: string;
  /** Serve `registry.metrics()` with `registry.contentType` at /metrics. */
  readonly registry: Registry;
  readonly metrics: ServiceMetrics<S>;
}

function instrument(spec: MetricSpec, registry: Registry): Counter | Gauge | Histogram {
  const common = {
    name: spec.name,
    help: spec.help,
    labelNames: [...spec.labelNames],
    registers: [registry],
  };
  switch (spec.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...spec.buckets] });
  }
}

/**
 * A prom-client Registry for one process of a service, with Node's default metrics, the labels
 * `service` and `service_instance_id` on every series, and each catalogue metric that service
 * exports, returned typed in `metrics`. Metrics read on scrape (queue depth) are added by their
 * collector.
 * @throws TelemetryError for an unknown service or an empty instance.
 */
export function createRegistry<S extends ServiceName>(options: RegistryOptions<S>): Telemetry<S> {
  const { service } = options;
  if (!(SERVICES as readonly string[]).includes(service)) {
    throw new TelemetryError(`service must be one of ${SERVICES.join(', ')}, got "${service}"`);
  }
  const instance = options.instance ?? `${hostname()}-${process.pid}`;
  if (instance.trim() === '') throw new TelemetryError('instance must not be empty');

  const registry = new Registry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: service, [INSTANCE_LABEL]: instance });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const metrics: Record<string, Counter | Gauge | Histogram> = {};
  for (const [key, spec] of Object.entries(METRICS) as [MetricKey, MetricSpec][]) {
    if (spec.registeredBy !== undefined || !spec.services.includes(service)) continue;
    metrics[key] = instrument(spec, registry);
  }
  return { service, instance, registry, metrics: metrics as unknown as ServiceMetrics<S> };
}
