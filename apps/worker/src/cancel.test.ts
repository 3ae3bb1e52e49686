import { existsSync } from 'node:fs';
import { backtestJobIds } from '@hindsight/models';
import { taskDir } from '@hindsight/service';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from '../test/harness.js';

const startHarness = useHarness();
let harness: Harness;

/** Several seconds of work if left alone: five symbols of five years of one-minute bars. */
const LONG_RUN = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  symbols: ['synthetic:C1', 'synthetic:C2', 'synthetic:C3', 'synthetic:C4', 'synthetic:C5'],
  timeframe: '1m',
  start: '2016-01-01',
  end: '2020-12-31',
  conventions: 'hindsight',
};

describe('cancelling a backtest', { timeout: 60_000 }, () => {
  it('stops a running simulation; it ends cancelled and is not retried (speed: pnpm bench:service)', async () => {
    // The cancel goes out on the first progress event of the simulation: at the default ten a
    // second that event may come late in a run this short, and the run end before the cancel.
    harness = await startHarness({ progressIntervalMs: 25 });
    const record = await harness.submit(LONG_RUN);
    const watch = harness.watch(record.id);
    await watch.until(
      (e) => e.type === 'progress' && e.data.step === 'simulation' && e.data.barsProcessed !== null,
    );
    await harness.cancels.requestCancel(record.id);
    const cancelled = await watch.until((e) => e.type === 'cancelled');
    expect(cancelled.data).toEqual({ reason: 'cancel requested' });

    const done = await waitForTerminal(harness.store, record.id);
    expect(done.status).toBe('cancelled');
    expect(done.attempts).toBe(1);
    const job = await harness.queues.queues.simulation.getJob(backtestJobIds.simulation(record.id));
    await expect.poll(() => job?.getState(), { timeout: 5_000 }).toBe('failed');
    const failed = await harness.queues.queues.simulation.getJob(job!.id!);
    // The catalogue allows two attempts; a cancelled run uses one and ends.
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toBe('cancelled: cancel requested');
    expect(existsSync(taskDir(harness.config.DATA_ROOT, record.id))).toBe(false);
    const terminalEvents = watch.events.filter((e) =>
      ['completed', 'failed', 'cancelled'].includes(e.type),
    );
    expect(terminalEvents).toEqual([cancelled]);
  });

  it('ends a backtest whose cancel was requested before a worker picked it up', async () => {
    harness = await startHarness();
    // The request goes out while no worker holds the job, so nobody hears the message; the
    // worker that starts the job later finds the request instead.
    await harness.running.workers['market-data'].pause();
    const record = await harness.submit({ ...LONG_RUN, symbols: ['synthetic:EARLY'] });
    expect(await harness.cancels.requestCancel(record.id)).toBe(1);
    const watch = harness.watch(record.id);
    harness.running.workers['market-data'].resume();
    const events = await watch.terminal;
    expect(events.map((e) => e.type)).toEqual(['cancelled']);
    const done = await waitForTerminal(harness.store, record.id);
    expect(done).toMatchObject({ status: 'cancelled', attempts: 0, startedAt: null });
  });
});
