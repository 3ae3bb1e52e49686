import { describe, expect, it } from 'vitest';
import { type Harness, useHarness, waitForTerminal } from './harness.js';

/**
 * Cancel in every step, each measured from the request to the `cancelled` event: the data step
 * generating synthetic bars (CPU-bound, on the worker's own event loop), and the first
 * simulation of a fresh worker (its thread still starting).
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

/** The bound is 0.5 s; other test files share the two cores, hence the margin. */
const BOUND_MS = 1_000;

async function cancelLatency(id: string, afterMs: number): Promise<number> {
  const watch = harness.watch(id);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const requested = performance.now();
  await harness.cancels.requestCancel(id);
  const cancelled = await watch.until((e) => e.type === 'cancelled');
  const latency = (watch.arrivals[watch.events.indexOf(cancelled)] as number) - requested;
  expect((await waitForTerminal(harness.store, id)).status).toBe('cancelled');
  return latency;
}

describe('cancel in every step', { timeout: 120_000 }, () => {
  it('stops the data step while it generates synthetic bars', async () => {
    harness = await startHarness();
    const record = await harness.submit({ ...TEN_YEARS, symbols: ['synthetic:GEN1'] });
    const watch = harness.watch(record.id);
    await watch.until((e) => e.type === 'progress' && e.data.step === 'data');
    // Well into the generation, which runs on this process's event loop.
    const latency = await cancelLatency(record.id, 300);
    console.info(`cancel during the data step: ${latency.toFixed(0)} ms`);
    expect(latency, 'cancel to cancelled, ms').toBeLessThan(BOUND_MS);
  });

  it('stops the indicators step', async () => {
    harness = await startHarness();
    const record = await harness.submit({ ...TEN_YEARS, symbols: ['synthetic:GEN3'] });
    const watch = harness.watch(record.id);
    await watch.until((e) => e.type === 'progress' && e.data.step === 'indicators');
    const latency = await cancelLatency(record.id, 0);
    console.info(`cancel during the indicators step: ${latency.toFixed(0)} ms`);
    expect(latency, 'cancel to cancelled, ms').toBeLessThan(BOUND_MS);
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
    const latency = await cancelLatency(record.id, 0);
    console.info(`cancel during a fresh worker's first simulation: ${latency.toFixed(0)} ms`);
    expect(latency, 'cancel to cancelled, ms').toBeLessThan(BOUND_MS);
  });
});
