import { planSweep } from '@hindsight/backtest';
import { isTerminalStatus, jobSpec, parseSweepRequest, type SweepRecord } from '@hindsight/models';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

/**
 * A chunk scores its combinations in sample. sweep-data refuses a walk-forward that cannot run on
 * the sweep's bars before any chunk runs, so a chunk should never meet one; were it to, the sweep
 * fails with the code and message the check gives, at once, rather than the chunk retrying.
 * The chunk runs here alone, as if sweep-data had passed the sweep on.
 */
const startHarness = useHarness();

describe('a walk-forward that cannot run, met in a chunk', { timeout: 60_000 }, () => {
  it('fails the sweep with HS_ERR_WALK_FORWARD_WINDOWS on the first attempt', async () => {
    const harness = await startHarness();
    // 282 weekday bars in 5 folds: a first in-sample window of 108, far shorter than SMA(200);
    // 10/30 scores, 10/200 fails.
    const config = parseSweepRequest({
      strategy: { name: 'sma_crossover', params: {} },
      symbols: ['synthetic:WFCHUNK'],
      timeframe: '1d',
      start: '2015-01-01',
      end: '2016-02-01',
      grid: { fast: [10], slow: [30, 200] },
      walkForward: { folds: 5 },
    });
    const plan = planSweep({ strategy: 'sma_crossover', params: {}, grid: config.grid });
    const created = await harness.store.createSweep({
      ownerId: 'owner-wf-chunk',
      name: 'too short',
      config,
      fingerprint: 'sweep-wf-chunk',
      combos: { total: plan.runnable.length, skipped: 0 },
      chunks: 1,
    });
    await harness.store.transitionSweep(created.id, { from: ['queued'], to: 'running' });
    const spec = jobSpec('run-sweep-chunk', { sweepId: created.id, chunk: 0 });
    await harness.queues.queues.sweeps.add(spec.name, spec.data, spec.opts);

    let record: SweepRecord | null = null;
    await expect
      .poll(
        async () => {
          record = await harness.store.getSweep(created.id);
          return record !== null && isTerminalStatus(record.status);
        },
        { timeout: 30_000, interval: 20 },
      )
      .toBe(true);
    expect(record!.status).toBe('failed');
    expect(record!.error?.code).toBe('HS_ERR_WALK_FORWARD_WINDOWS');
    expect(record!.error?.message).toMatch(
      /^the walk-forward analysis cannot run: \{"fast":10,"slow":200,"allowShort":false\} warms up over 200 bars, leaving no bar to trade in the first in-sample window of 108 bars: use fewer folds/,
    );
    const job = () => harness.queues.queues.sweeps.getJob(spec.opts.jobId);
    await expect.poll(async () => (await job())?.getState(), { timeout: 10_000 }).toBe('completed');
    const done = (await job())!;
    expect(done.returnvalue).toEqual({ sweepId: created.id, chunk: 0, failed: true });
    expect(done.attemptsStarted, 'not retried').toBe(1);
  });
});
