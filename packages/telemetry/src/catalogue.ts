/**
 * Every metric Hindsight exports, written once: name, help, type, labels, buckets and the
 * processes that export it. The registry, the typed accessors, `metricNames()`, the Grafana
 * dashboard test and the alert-rule test all read this object, so a metric renamed here is renamed
 * everywhere or fails a test.
 *
 * Names follow the Prometheus conventions: base units (seconds, bytes), `_total` on counters, no
 * unit on plain counts. No `hindsight_` prefix: the `service` label and the scrape job already say
 * whose metric it is.
 */

export const SERVICES = ['api', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** BullMQ's job states, as `Queue#getJobCounts()` names them when called with no arguments. */
export const QUEUE_STATES = [
  'waiting',
  'prioritized',
  'waiting-children',
  'active',
  'delayed',
  'completed',
  'failed',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** The terminal statuses a backtest ends in: the `status` label of `backtest_total`. */
const BACKTEST_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
export type BacktestOutcome = (typeof BACKTEST_OUTCOMES)[number];

/** `queue_wait`: submit to the first step a worker starts; `run`: that start to the terminal state. */
const BACKTEST_PHASES = ['queue_wait', 'run'] as const;
export type BacktestPhase = (typeof BACKTEST_PHASES)[number];

/** How a BullMQ job attempt ended: the `outcome` label of `worker_jobs_total`. */
const JOB_OUTCOMES = ['completed', 'failed'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

const CACHE_RESULTS = ['hit', 'miss'] as const;
export type CacheResult = (typeof CACHE_RESULTS)[number];

const WEBSOCKET_DIRECTIONS = ['in', 'out'] as const;
export type WebSocketDirection = (typeof WEBSOCKET_DIRECTIONS)[number];

/** An HTTP request: the Prometheus client libraries' default buckets, 5 ms to 10 s. */
const HTTP_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A backtest waits or runs from well under a second (a cached result) to hours (a wide sweep). */
const BACKTEST_SECONDS_BUCKETS = [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200];
/** Worker to browser through Redis pub/sub: milliseconds when healthy, seconds when not. */
const LAG_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A store or cache call: sub-millisecond (SQLite, DuckDB in process) to seconds (a cold fetch). */
const IO_SECONDS_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

interface SpecBase {
  /** The Prometheus metric name; a histogram's series add `_bucket`, `_sum` and `_count`. */
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** The processes that export it. */
  readonly services: readonly ServiceName[];
  /**
   * Set when the metric is not created by `createRegistry` but by the named collector, which
   * registers it itself (its value is read on scrape).
   */
  readonly registeredBy?: 'queueDepthCollector';
}

export interface CounterSpec extends SpecBase {
  readonly type: 'counter';
}
export interface GaugeSpec extends SpecBase {
  readonly type: 'gauge';
}
export interface HistogramSpec extends SpecBase {
  readonly type: 'histogram';
  readonly buckets: readonly number[];
}
export type MetricSpec = CounterSpec | GaugeSpec | HistogramSpec;

export const METRICS = {
  httpRequestsTotal: {
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route template, method and status code.',
    type: 'counter',
    labelNames: ['route', 'method', 'status_code'],
    services: ['api'],
  },
  httpRequestDurationSeconds: {
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by route template, method and status code.',
    type: 'histogram',
    labelNames: ['route', 'method', 'status_code'],
    buckets: HTTP_SECONDS_BUCKETS,
    services: ['api'],
  },
  backtestTotal: {
    name: 'backtest_total',
    help: 'Backtests that reached a terminal status, counted once by the worker that handled its backtest-finished notification.',
    type: 'counter',
    labelNames: ['status', 'strategy'],
    services: ['worker'],
  },
  backtestDurationSeconds: {
    name: 'backtest_duration_seconds',
    help: 'Backtest time by phase: queue_wait (submit to first step started) and run (first step to terminal status), observed once the backtest ended.',
    type: 'histogram',
    labelNames: ['strategy', 'phase'],
    buckets: BACKTEST_SECONDS_BUCKETS,
    services: ['worker'],
  },
  backtestActive: {
    name: 'backtest_active',
    help: 'Backtests with a step executing in this process now.',
    type: 'gauge',
    labelNames: [],
    services: ['worker'],
  },
  backtestOldestActiveStartTimeSeconds: {
    name: 'backtest_oldest_active_start_time_seconds',
    help: 'Unix time at which the longest-running backtest executing in this process started running; 0 when none is.',
    type: 'gauge',
    labelNames: [],
    services: ['worker'],
  },
  workerJobsTotal: {
    name: 'worker_jobs_total',
    help: 'BullMQ jobs this worker process finished, by queue and outcome (a retried attempt counts as failed).',
    type: 'counter',
    labelNames: ['queue', 'outcome'],
    services: ['worker'],
  },
  workerJobDurationSeconds: {
    name: 'worker_job_duration_seconds',
    help: 'Time from a job becoming active in this worker process to finishing, by queue.',
    type: 'histogram',
    labelNames: ['queue'],
    buckets: BACKTEST_SECONDS_BUCKETS,
    services: ['worker'],
  },
  queueJobs: {
    name: 'queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read from Redis at most once per refresh interval.',
    type: 'gauge',
    labelNames: ['queue', 'state'],
    services: ['api'],
    registeredBy: 'queueDepthCollector',
  },
  queueJobsReadErrorsTotal: {
    name: 'queue_jobs_read_errors_total',
    help: 'Failed or timed-out reads of the queue job counts; queue_jobs has no series until a read succeeds.',
    type: 'counter',
    labelNames: [],
    services: ['api'],
    registeredBy: 'queueDepthCollector',
  },
  websocketConnections: {
    name: 'websocket_connections',
    help: 'Open WebSocket connections.',
    type: 'gauge',
    labelNames: [],
    services: ['api'],
  },
  websocketMessagesTotal: {
    name: 'websocket_messages_total',
    help: 'WebSocket messages, by direction: in (from clients) or out (to clients).',
    type: 'counter',
    labelNames: ['direction'],
    services: ['api'],
  },
  progressEventLagSeconds: {
    name: 'progress_event_lag_seconds',
    help: 'Time from a worker publishing a backtest event to the api relaying it to WebSocket subscribers.',
    type: 'histogram',
    labelNames: [],
    buckets: LAG_SECONDS_BUCKETS,
    services: ['api'],
  },
  storeOperationDurationSeconds: {
    name: 'store_operation_duration_seconds',
    help: 'Duration of store calls (SQLite or MongoDB), by store method.',
    type: 'histogram',
    labelNames: ['operation'],
    buckets: IO_SECONDS_BUCKETS,
    services: ['api', 'worker'],
  },
  marketDataCacheRequestsTotal: {
    name: 'market_data_cache_requests_total',
    help: 'Market-data cache lookups, by result: hit (bars were cached) or miss (fetched or generated).',
    type: 'counter',
    labelNames: ['result'],
    services: ['api', 'worker'],
  },
  marketDataCacheDurationSeconds: {
    name: 'market_data_cache_duration_seconds',
    help: 'Duration of market-data cache lookups, hits and misses alike.',
    type: 'histogram',
    labelNames: [],
    buckets: IO_SECONDS_BUCKETS,
    services: ['api', 'worker'],
  },
} as const satisfies Record<string, MetricSpec>;

export type Metrics = typeof METRICS;
export type MetricKey = keyof Metrics;
