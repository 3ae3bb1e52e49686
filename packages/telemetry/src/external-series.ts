/**
 * Series that dashboards and alerts may use although no Hindsight process exports them: the ones
 * Prometheus writes for every scrape target, and the Redis exporter's (oliver006/redis_exporter,
 * the `redis-exporter` service of docker-compose.yml). Only the ones config/ uses are listed, so
 * a typo in a panel still fails the dashboard test.
 */
export const EXTERNAL_SERIES = Object.freeze({
  prometheus: Object.freeze(['up', 'scrape_duration_seconds']),
  redisExporter: Object.freeze([
    'redis_up',
    'redis_memory_used_bytes',
    'redis_memory_max_bytes',
    'redis_connected_clients',
  ]),
});
