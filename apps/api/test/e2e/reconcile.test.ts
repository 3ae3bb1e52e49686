import { afterEach, describe, expect, it } from 'vitest';
import { KEYS, submitBody } from '../support.js';
import { type FaultRig, longRun, startFaultRig } from './fault-harness.js';

/**
 * Redis losing its data while backtests are queued and running: a real redis-server killed and
 * replaced by an empty one on the same port, with a real api and worker (restarted or not).
 * The store is the system of record, so every accepted backtest must still end, and quotas free.
 */
let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function accepted(response: Response): Promise<string> {
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('reconcile after Redis lost its data', () => {
  it('finishes running and queued backtests when Redis and the worker restart together, and the quota clears', async () => {
    rig = await startFaultRig();
    await rig.startApi();
    await rig.startWorker();
    // alice is on the free tier: two active backtests fill her quota.
    const running = await accepted(await rig.submit(longRun('RECON1'), KEYS.alice));
    const queued = await accepted(await rig.submit(longRun('RECON2'), KEYS.alice));
    await rig.waitFor(running, (r) => r.step === 'simulation', 'simulating', 60_000, KEYS.alice);

    await rig.kill(rig.worker);
    await rig.restartRedisEmpty();
    // Both records are still active in the store, so the quota is still full.
    expect((await rig.submit(submitBody(), KEYS.alice)).status).toBe(429);

    const reconcileStart = Date.now();
    await rig.startWorker();
    const first = await rig.waitFor(
      running,
      (r) => r.status === 'completed',
      'completed',
      90_000,
      KEYS.alice,
    );
    const second = await rig.waitFor(
      queued,
      (r) => r.status === 'completed',
      'completed',
      90_000,
      KEYS.alice,
    );
    const pass = /"ms":(\d+)[^\n]*"reconcile pass"/.exec(rig.worker?.output() ?? '');
    expect(pass, 'the worker logs its reconcile pass').not.toBeNull();
    console.info(
      `reconcile: pass ${pass?.[1]} ms; both lost backtests completed ${Date.now() - reconcileStart} ms after the worker restart`,
    );
    // The lost run counted, and the one that finished it.
    expect(first.attempts).toBe(2);
    expect(second.attempts).toBeGreaterThanOrEqual(1);
    expect(second.attempts).toBeLessThanOrEqual(2);
    // The quota is free again.
    await accepted(await rig.submit(submitBody(), KEYS.alice));
  }, 240_000);

  it('with the api restarted and the worker kept: a lost running backtest is cancelled, a queued one comes back', async () => {
    // This worker reconciles only at its start, so the cancel below meets the backtest with its
    // job gone rather than one the reconciler already brought back.
    rig = await startFaultRig({ RECONCILE_INTERVAL_SECONDS: '3600' });
    await rig.startApi();
    await rig.startWorker();
    const victim = await accepted(await rig.submit(longRun('RECON3', 10)));
    const waiting = await accepted(await rig.submit(longRun('RECON4', 1)));
    // Still in its first steps: whatever the worker finishes of it goes to the lost Redis.
    await rig.waitFor(victim, (r) => r.status === 'running', 'running');

    await rig.kill(rig.api);
    await rig.restartRedisEmpty();
    await rig.startApi();

    // Before, this answered 202 and nothing happened: no worker held a job to signal.
    const started = Date.now();
    const response = await rig.cancel(victim);
    const latency = Date.now() - started;
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await rig.get(victim)).status).toBe('cancelled');
    console.info(`cancel of a backtest whose job Redis lost: ${latency} ms`);

    // A second worker's reconciler (beside the first) brings the queued one back.
    await rig.startWorker({ RECONCILE_INTERVAL_SECONDS: '1' });
    await rig.waitFor(waiting, (r) => r.status === 'completed', 'completed', 90_000);
    expect((await rig.get(victim)).status).toBe('cancelled');
  }, 240_000);
});
