import { describe, expect, it } from 'vitest';
import { BacktestRunTracker } from './backtest-runs.js';
import { TelemetryError } from './errors.js';
import { createRegistry } from './registry.js';
import { sampleValue, scrape } from './test-support.js';

function setup() {
  const telemetry = createRegistry({ service: 'worker', instance: 'w1', defaultMetrics: false });
  return { tracker: new BacktestRunTracker(telemetry.metrics), registry: telemetry.registry };
}

describe('BacktestRunTracker', () => {
  it('observes the queue wait from the record times', async () => {
    const { tracker, registry } = setup();
    tracker.started({
      strategy: 'sma_crossover',
      createdAt: '2024-05-01T10:00:00.000Z',
      startedAt: '2024-05-01T10:00:12.500Z',
    });
    const samples = await scrape(registry);
    const phase = { strategy: 'sma_crossover', phase: 'queue_wait' };
    // 10:00:12.500 - 10:00:00.000 = 12.5 s, which falls in the (10, 30] bucket.
    expect(sampleValue(samples, 'backtest_duration_seconds_sum', phase)).toBe(12.5);
    expect(sampleValue(samples, 'backtest_duration_seconds_bucket', { ...phase, le: '10' })).toBe(
      0,
    );
    expect(sampleValue(samples, 'backtest_duration_seconds_bucket', { ...phase, le: '30' })).toBe(
      1,
    );
  });

  it('counts the outcome and observes the run time of a started backtest', async () => {
    const { tracker, registry } = setup();
    tracker.finished({
      strategy: 'rsi',
      status: 'completed',
      startedAt: Date.parse('2024-05-01T10:00:00Z'),
      finishedAt: new Date('2024-05-01T10:02:03Z'),
    });
    tracker.finished({
      strategy: 'rsi',
      status: 'cancelled',
      startedAt: null,
      finishedAt: '2024-05-01T10:05:00Z',
    });
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'backtest_total', { status: 'completed', strategy: 'rsi' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'backtest_total', { status: 'cancelled', strategy: 'rsi' })).toBe(
      1,
    );
    // Only the started one has a run time: 2 min 3 s = 123 s.
    const run = { strategy: 'rsi', phase: 'run' };
    expect(sampleValue(samples, 'backtest_duration_seconds_count', run)).toBe(1);
    expect(sampleValue(samples, 'backtest_duration_seconds_sum', run)).toBe(123);
  });

  it('never observes a negative time when two hosts disagree on the clock', async () => {
    const { tracker, registry } = setup();
    tracker.started({
      strategy: 'rsi',
      createdAt: '2024-05-01T10:00:00.300Z',
      startedAt: '2024-05-01T10:00:00.100Z',
    });
    const samples = await scrape(registry);
    expect(
      sampleValue(samples, 'backtest_duration_seconds_sum', {
        strategy: 'rsi',
        phase: 'queue_wait',
      }),
    ).toBe(0);
  });

  it('tracks the backtests working here and the oldest one', async () => {
    const { tracker, registry } = setup();
    const t0 = Date.parse('2024-05-01T10:00:00Z');
    const endA1 = tracker.stepStarted({ backtestId: 'a', runningSince: t0 + 60_000 });
    const endB = tracker.stepStarted({ backtestId: 'b', runningSince: t0 });
    const endA2 = tracker.stepStarted({ backtestId: 'a', runningSince: t0 + 60_000 });
    let samples = await scrape(registry);
    expect(tracker.active).toBe(2);
    expect(sampleValue(samples, 'backtest_active')).toBe(2);
    expect(sampleValue(samples, 'backtest_oldest_active_start_time_seconds')).toBe(t0 / 1_000);

    endB();
    endB();
    endA1();
    samples = await scrape(registry);
    // b is done (its second end changes nothing); a still has a step running.
    expect(sampleValue(samples, 'backtest_active')).toBe(1);
    expect(sampleValue(samples, 'backtest_oldest_active_start_time_seconds')).toBe(t0 / 1_000 + 60);

    endA2();
    samples = await scrape(registry);
    expect(sampleValue(samples, 'backtest_active')).toBe(0);
    expect(sampleValue(samples, 'backtest_oldest_active_start_time_seconds')).toBe(0);
  });

  it('names a time it cannot read', () => {
    const { tracker } = setup();
    expect(() => tracker.stepStarted({ backtestId: 'a', runningSince: 'yesterday' })).toThrow(
      new TelemetryError('runningSince is not a valid time: yesterday'),
    );
  });
});
