import { EventEmitter } from 'node:events';
import type { BacktestRecord } from '@hindsight/models';
import type { Job, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { UNKNOWN_STRATEGY, WorkerTelemetry } from './telemetry.js';

function recordOf(fields: Partial<BacktestRecord>): BacktestRecord {
  return {
    config: { strategy: { name: 'sma_crossover', params: {} } },
    createdAt: '2024-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...fields,
  } as BacktestRecord;
}

async function value(
  metrics: WorkerTelemetry,
  name: string,
  labels: string,
): Promise<number | null> {
  const text = await metrics.registry.getSingleMetricAsString(name.replace(/_(sum|count)$/, ''));
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('WorkerTelemetry', () => {
  it('counts a finished backtest by status and strategy and observes both phases', async () => {
    const metrics = new WorkerTelemetry({ instance: 'test' });
    metrics.backtestFinished(
      'completed',
      recordOf({
        startedAt: '2024-01-01T00:00:02.000Z',
        finishedAt: '2024-01-01T00:00:12.500Z',
      }),
    );
    // Cancelled while queued: counted, but it never ran, so no phase is observed.
    metrics.backtestFinished('cancelled', recordOf({ finishedAt: '2024-01-01T00:00:01.000Z' }));
    metrics.backtestFinished('failed', null);

    const completed = 'status="completed",strategy="sma_crossover"';
    expect(await value(metrics, 'backtest_total', completed)).toBe(1);
    expect(await value(metrics, 'backtest_total', 'status="cancelled"')).toBe(1);
    expect(
      await value(metrics, 'backtest_total', `status="failed",strategy="${UNKNOWN_STRATEGY}"`),
    ).toBe(1);
    // 00:00:00 created -> 00:00:02 started -> 00:00:12.5 finished.
    expect(await value(metrics, 'backtest_duration_seconds_sum', 'phase="queue_wait"')).toBe(2);
    expect(await value(metrics, 'backtest_duration_seconds_sum', 'phase="run"')).toBe(10.5);
    expect(await value(metrics, 'backtest_duration_seconds_count', 'phase="run"')).toBe(1);
  });

  it('tracks the steps running now from BullMQ events, with the backtest start from the store', async () => {
    const startedAt = '2024-01-01T00:00:00.000Z';
    const metrics = new WorkerTelemetry({
      instance: 'test',
      store: { getBacktest: async () => recordOf({ startedAt }) },
    });
    const worker = new EventEmitter();
    metrics.watch(worker as unknown as Worker, 'simulation');
    const job = { id: 'sim-1', data: { backtestId: 'b1' }, processedOn: 1_000, finishedOn: 4_000 };

    worker.emit('active', job);
    await expect.poll(() => metrics.tracker.active).toBe(1);
    const gauges = await metrics.registry.getMetricsAsJSON();
    const oldest = gauges.find((m) => m.name === 'backtest_oldest_active_start_time_seconds');
    expect(oldest?.values[0]?.value, 'Date.parse(startedAt) / 1000').toBe(
      Date.parse(startedAt) / 1_000,
    );

    worker.emit('completed', job as unknown as Job);
    expect(metrics.tracker.active).toBe(0);
    expect(
      await value(metrics, 'worker_jobs_total', 'queue="simulation",outcome="completed"'),
    ).toBe(1);
    // finishedOn - processedOn = 4000 - 1000 ms.
    expect(await value(metrics, 'worker_job_duration_seconds_sum', 'queue="simulation"')).toBe(3);
  });

  it('does not leave a step active when it ends before its start was read', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const metrics = new WorkerTelemetry({
      instance: 'test',
      store: { getBacktest: async () => gate.then(() => recordOf({ startedAt: null })) },
    });
    const worker = new EventEmitter();
    metrics.watch(worker as unknown as Worker, 'indicators');
    const job = { id: 'ind-1', data: { backtestId: 'b2' }, processedOn: 1_000 };
    worker.emit('active', job);
    worker.emit('failed', job, new Error('boom'));
    release();
    await gate;
    await new Promise((resolve) => setImmediate(resolve));
    expect(metrics.tracker.active).toBe(0);
    expect(await value(metrics, 'worker_jobs_total', 'queue="indicators",outcome="failed"')).toBe(
      1,
    );
  });
});
