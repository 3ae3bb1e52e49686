import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from './harness.js';

/**
 * Cancel in every step ends the run there: the data step generating synthetic bars (CPU-bound, on
 * the worker's own event loop), the indicators step, and the first simulation of a fresh worker
 * (its thread still starting). How fast is `pnpm bench:service`'s cancel phase: a wall-clock
 * bound here would measure the other test files sharing the cores.
 */
const startHarness = useHarness();
let harness: Harness;

/** Ten years of one-minute bars: generating them takes seconds. */
const TEN_YEARS = {
  strategy: { name: 'sma_crossover', params: { fast: 10, slow: 30 } },
  timeframe: '1m',
  start: '2005-01-01',
  end: '2015-01-01',
  conventions: 'hindsight',
};

async function cancelAndWait(id: string, afterMs: number): Promise<void> {
  const watch = harness.watch(id);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  await harness.cancels.requestCancel(id);
  await watch.until((e) => e.type === 'cancelled');
  expect((await waitForTerminal(harness.store, id)).status).toBe('cancelled');
}

describe('cancel in every step', { timeout: 120_000 }, () => {
  it('stops the data step while it generates synthetic bars', async () => {
    harness = await startHarness();
    const record = await harness.submit({ ...TEN_YEARS, symbols: ['synthetic:GEN1'] });
    const watch = harness.watch(record.id);
    await watch.until((e) => e.type === 'progress' && e.data.step === 'data');
    // Well into the generation, which runs on this process's event loop.
    await cancelAndWait(record.id, 300);
  });

  it('stops the indicators step', async () => {
    harness = await startHarness();
    const record = await harness.submit({ ...TEN_YEARS, symbols: ['synthetic:GEN3'] });
    const watch = harness.watch(record.id);
    await watch.until((e) => e.type === 'progress' && e.data.step === 'indicators');
    await cancelAndWait(record.id, 0);
  });

  it("stops a fresh worker's first simulation while its thread starts", async () => {
    harness = await startHarness();
    // The simulation job alone (what the api adds for cached bars): the first job of this
    // worker's simulation queue, whose thread starts when the job does.
    const record = await harness.submit(
      { ...TEN_YEARS, symbols: ['synthetic:GEN2'] },
      {},
      { barsCached: true },
    );
    const job = await harness.queues.queues.simulation.getJob(`${record.id}-simulation`);
    await expect.poll(() => job?.getState(), { timeout: 30_000, interval: 5 }).toBe('active');
    await cancelAndWait(record.id, 0);
  });
});
