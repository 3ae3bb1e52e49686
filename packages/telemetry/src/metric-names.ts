import { METRICS, type MetricSpec, type ServiceName } from './catalogue.js';
import { NODE_DEFAULT_METRICS } from './node-metrics.js';

/**
 * The series names a metric appears under in PromQL: a classic histogram has no series of its
 * own name, only `_bucket`, `_sum` and `_count`.
 */
export function seriesNames(metric: Pick<MetricSpec, 'name' | 'type'>): string[] {
  if (metric.type !== 'histogram') return [metric.name];
  return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
}

/**
 * Every series name Hindsight's processes export - the catalogue's and Node's default metrics -
 * for one service or, without an argument, for both. Sorted, no repeats. Dashboards and alert
 * rules may name only these (or a series Prometheus or the Redis exporter makes, see
 * `EXTERNAL_SERIES`).
 */
export function metricNames(service?: ServiceName): string[] {
  const specs: MetricSpec[] = Object.values(METRICS).filter(
    (spec: MetricSpec) => service === undefined || spec.services.includes(service),
  );
  const names = [...specs, ...NODE_DEFAULT_METRICS].flatMap(seriesNames);
  return [...new Set(names)].sort();
}
