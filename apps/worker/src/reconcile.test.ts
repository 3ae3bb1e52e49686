import {
  type BacktestRecord,
  backtestJobIds,
  fingerprintConfig,
  parseBacktestRequest,
} from '@hindsight/models';
import { createQueues } from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../test/harness.js';
import { MAX_RUN_ATTEMPTS, reconcileOnce } from './reconcile.js';

/**
 * The reconciler against a real Redis: backtests the store holds as queued or running with no
 * job in Redis (as after Redis lost its data), the workers paused so nothing runs them.
 */
const startHarness = useHarness();

async function stranded(harness: Harness, status: 'queued' | 'running', attempts = 1) {
  const config = parseBacktestRequest({
    strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
    symbols: ['synthetic:RECON'],
    start: '2018-01-01',
    end: '2019-01-01',
  });
  const { record } = await harness.store.createBacktest({
    ownerId: 'alice',
    name: 'stranded',
    tags: [],
    config,
    fingerprint: fingerprintConfig(config),
    idempotencyKey: null,
  });
  if (status === 'running') {
    for (let i = 0; i < attempts; i++) {
      await harness.store.transition(record.id, { from: ['queued', 'running'], to: 'running' });
    }
  }
  return (await harness.store.getBacktest(record.id)) as BacktestRecord;
}

describe('reconcileOnce', () => {
  it('re-adds lost jobs once, even with two passes at the same time, and bounds lost runs', async () => {
    const harness = await startHarness();
    // The worker's own pass at start must not hold the lock when the two below race for it.
    await harness.running.reconciler.first;
    for (const worker of Object.values(harness.running.workers)) await worker.pause();
    const queued = await stranded(harness, 'queued');
    const running = await stranded(harness, 'running');
    const exhausted = await stranded(harness, 'running', MAX_RUN_ATTEMPTS);
    const deps = {
      ...harness.running.deps,
      queues: createQueues(harness.running.deps.redis, harness.config.QUEUE_PREFIX),
    };

    const [a, b] = await Promise.all([reconcileOnce(deps), reconcileOnce(deps)]);
    // The lock: one pass ran, the other found it held and did nothing.
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    const report = a.ran ? a : b;
    expect(report.requeued.sort()).toEqual([queued.id, running.id].sort());
    expect(report.failed).toEqual([exhausted.id]);

    const simulation = harness.queues.queues.simulation;
    for (const id of [queued.id, running.id]) {
      expect(await simulation.getJob(backtestJobIds.simulation(id)), id).toBeDefined();
    }
    expect(await harness.store.getBacktest(running.id)).toMatchObject({
      status: 'queued',
      attempts: 1,
    });
    expect((await harness.store.getBacktest(exhausted.id))?.error?.code).toBe(
      'HS_ERR_QUEUE_UNAVAILABLE',
    );

    // A later pass finds every job in place and changes nothing.
    const again = await reconcileOnce(deps);
    expect(again).toMatchObject({ ran: true, requeued: [], failed: [] });
    expect(await simulation.getJobCounts()).toMatchObject({ 'waiting-children': 2 });
    await deps.queues.close();
  });
});
