import { describe, expect, it } from 'vitest';
import { metricNamesIn } from './promql.js';

describe('metricNamesIn', () => {
  it('finds the names of a plain selector and of one with matchers', () => {
    expect(metricNamesIn('up')).toEqual(['up']);
    expect(metricNamesIn('queue_jobs{state=~"waiting|prioritized", queue!="x"}')).toEqual([
      'queue_jobs',
    ]);
  });

  it('skips functions, aggregations, label lists, ranges and Grafana variables', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket[$__rate_interval])))',
      ),
    ).toEqual(['http_request_duration_seconds_bucket']);
    expect(
      metricNamesIn(
        'sum(rate(backtest_total{status="failed"}[5m])) without (strategy) / ignoring(x) group_left sum(rate(backtest_total[5m:1m]))',
      ),
    ).toEqual(['backtest_total']);
  });

  it('reads binary expressions, set operators, numbers and offsets', () => {
    expect(
      metricNamesIn(
        'redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 0.9 and on(instance) redis_up == bool 1e0 unless process_open_fds offset 5m',
      ),
    ).toEqual([
      'redis_memory_used_bytes',
      'redis_memory_max_bytes',
      'redis_up',
      'process_open_fds',
    ]);
    expect(
      metricNamesIn('time() - (backtest_oldest_active_start_time_seconds > 0) > 30 * 60'),
    ).toEqual(['backtest_oldest_active_start_time_seconds']);
  });

  it('ignores what is inside strings, including quotes escaped in them', () => {
    expect(
      metricNamesIn('label_replace(up, "dst", "not_a_metric \\" still_not", "src", "(.*)")'),
    ).toEqual(['up']);
    expect(metricNamesIn('absent(up{job="worker"} == 1)')).toEqual(['up']);
  });
});
