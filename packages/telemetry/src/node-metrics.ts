/**
 * The metrics prom-client 15's `collectDefaultMetrics` registers on Linux, where the containers
 * and CI run; `linuxOnly` marks the ones it reads from /proc and registers nowhere else. Written
 * out so that `metricNames()` needs no live registry; a test compares this list with what
 * prom-client really registers.
 */
export const NODE_DEFAULT_METRICS: readonly {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly linuxOnly?: true;
}[] = [
  { name: 'process_cpu_user_seconds_total', type: 'counter' },
  { name: 'process_cpu_system_seconds_total', type: 'counter' },
  { name: 'process_cpu_seconds_total', type: 'counter' },
  { name: 'process_start_time_seconds', type: 'gauge' },
  { name: 'process_resident_memory_bytes', type: 'gauge' },
  { name: 'process_virtual_memory_bytes', type: 'gauge', linuxOnly: true },
  { name: 'process_heap_bytes', type: 'gauge', linuxOnly: true },
  { name: 'process_open_fds', type: 'gauge', linuxOnly: true },
  { name: 'process_max_fds', type: 'gauge', linuxOnly: true },
  { name: 'nodejs_eventloop_lag_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_min_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_max_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_mean_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_stddev_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_p50_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_p90_seconds', type: 'gauge' },
  { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge' },
  { name: 'nodejs_active_resources', type: 'gauge' },
  { name: 'nodejs_active_resources_total', type: 'gauge' },
  { name: 'nodejs_active_handles', type: 'gauge' },
  { name: 'nodejs_active_handles_total', type: 'gauge' },
  { name: 'nodejs_active_requests', type: 'gauge' },
  { name: 'nodejs_active_requests_total', type: 'gauge' },
  { name: 'nodejs_heap_size_total_bytes', type: 'gauge' },
  { name: 'nodejs_heap_size_used_bytes', type: 'gauge' },
  { name: 'nodejs_external_memory_bytes', type: 'gauge' },
  { name: 'nodejs_heap_space_size_total_bytes', type: 'gauge' },
  { name: 'nodejs_heap_space_size_used_bytes', type: 'gauge' },
  { name: 'nodejs_heap_space_size_available_bytes', type: 'gauge' },
  { name: 'nodejs_version_info', type: 'gauge' },
  { name: 'nodejs_gc_duration_seconds', type: 'histogram' },
];
