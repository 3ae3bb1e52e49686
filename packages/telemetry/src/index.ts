export { type BacktestRunMetrics, BacktestRunTracker } from './backtest-runs.js';
export {
  BACKTEST_OUTCOMES,
  BACKTEST_PHASES,
  BACKTEST_SECONDS_BUCKETS,
  type BacktestOutcome,
  type BacktestPhase,
  CACHE_RESULTS,
  type CacheResult,
  type CounterSpec,
  type GaugeSpec,
  type HistogramSpec,
  HTTP_SECONDS_BUCKETS,
  IO_SECONDS_BUCKETS,
  JOB_OUTCOMES,
  type JobOutcome,
  LAG_SECONDS_BUCKETS,
  METRICS,
  type MetricKey,
  type MetricSpec,
  type Metrics,
  QUEUE_STATES,
  type QueueState,
  SERVICES,
  type ServiceName,
  WEBSOCKET_DIRECTIONS,
  type WebSocketDirection,
} from './catalogue.js';
export { TelemetryError } from './errors.js';
export { observeEventLag } from './event-lag.js';
export { EXTERNAL_SERIES } from './external-series.js';
export { type HttpRequestMetrics, observeHttpRequest, UNMATCHED_ROUTE } from './http-requests.js';
export { metricNames, seriesNames } from './metric-names.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.js';
export { NODE_DEFAULT_METRICS } from './node-metrics.js';
export { metricNamesIn } from './promql.js';
export {
  QUEUE_DEPTH_DEFAULTS,
  type QueueDepthOptions,
  type QueueJobCounts,
  queueDepthCollector,
} from './queue-depth.js';
export {
  createRegistry,
  INSTANCE_LABEL,
  type Instrument,
  type RegistryOptions,
  SERVICE_LABEL,
  type ServiceMetrics,
  type Telemetry,
} from './registry.js';
export { timeOperations } from './timed-operations.js';
export { epochMs, type Timestamp } from './timestamp.js';
