export { type BacktestRunMetrics, BacktestRunTracker } from './backtest-runs.js';
export type {
  BacktestOutcome,
  BacktestPhase,
  CacheResult,
  CounterSpec,
  GaugeSpec,
  HistogramSpec,
  JobOutcome,
  MetricKey,
  MetricSpec,
  Metrics,
  QueueState,
  ServiceName,
  WebSocketDirection,
} from './catalogue.js';
export { observeEventLag } from './event-lag.js';
export { type HttpRequestMetrics, observeHttpRequest } from './http-requests.js';
export { metricNames } from './metric-names.js';
export {
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './metrics-server.js';
export { type QueueDepthOptions, type QueueJobCounts, queueDepthCollector } from './queue-depth.js';
export {
  createRegistry,
  type Instrument,
  type RegistryOptions,
  type ServiceMetrics,
  type Telemetry,
} from './registry.js';
export { timeOperations } from './timed-operations.js';
export type { Timestamp } from './timestamp.js';
