import { afterEach, describe, expect, it } from 'vitest';
import { type FaultRig, longRun, startFaultRig } from './fault-harness.js';

/**
 * A worker process SIGKILLed mid-simulation, twice: BullMQ sees the job stall once its lock
 * expires (30 s) and gives it to the next worker. Before, the record's `attempts` stayed 1 and
 * the second stall failed the backtest although the docs promised a retry.
 */
let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a worker lost mid-run', () => {
  it('is retried on the next worker each time, up to the documented count, and attempts say so', async () => {
    rig = await startFaultRig();
    await rig.startApi();
    await rig.startWorker();
    const response = await rig.submit(longRun('LOST', 10));
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };

    for (const attempt of [1, 2]) {
      await rig.waitFor(
        id,
        (r) => r.step === 'simulation' && r.attempts === attempt && r.status === 'running',
        `simulating in attempt ${attempt}`,
        120_000,
      );
      await rig.kill(rig.worker);
      await rig.startWorker();
    }
    const done = await rig.waitFor(id, (r) => r.status === 'completed', 'completed', 150_000);
    expect(done.attempts).toBe(3);
  }, 400_000);
});
