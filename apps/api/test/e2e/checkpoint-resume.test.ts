import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressData } from '@hindsight/models';
import { afterEach, describe, expect, it } from 'vitest';
import { bearer, KEYS } from '../support.js';
import { watch } from '../ws-client.js';
import { type FaultRig, longRun, startFaultRig } from './fault-harness.js';

/**
 * A worker SIGKILLed in the middle of a simulation that has saved a checkpoint: the next worker
 * takes the job once its lock expires and goes on from the checkpoint, and the result is the
 * same, byte for byte, as that of the same run never interrupted.
 */
let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function body(id: string, path: string, accept = 'application/json'): Promise<string> {
  const response = await fetch(`${rig!.http}/api/v1/backtests/${id}/${path}`, {
    headers: { ...bearer(KEYS.bob), accept },
  });
  expect(response.status, `${path} of ${id}`).toBe(200);
  return response.text();
}

describe('a worker lost mid-simulation', () => {
  it('resumes from its checkpoint to the result of an uninterrupted run', async () => {
    // A checkpoint at every progress point (4,096 bars): many on disk within a second.
    rig = await startFaultRig({ CHECKPOINT_INTERVAL_MS: '1' });
    await rig.startApi();
    await rig.startWorker();
    const request = longRun('CKPT', 10);
    const submitted = await rig.submit(request);
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    // Freeze the worker the moment a checkpoint is on disk, make sure the run is unfinished,
    // then kill it: nothing moves between the look and the kill.
    const state = join(rig.dataRoot, 'checkpoints', id, 'state.bin');
    const deadline = Date.now() + 240_000;
    while (!existsSync(state)) {
      if (Date.now() > deadline) throw new Error(`no checkpoint: ${rig.worker!.output()}`);
      await sleep(10);
    }
    const lost = rig.worker!;
    lost.child.kill('SIGSTOP');
    expect((await rig.get(id)).status).toBe('running');
    expect(existsSync(state)).toBe(true);
    await rig.kill(lost);

    await rig.startWorker();
    const resumed = await rig.waitFor(id, (r) => r.status === 'completed', 'completed', 240_000);
    expect(resumed.attempts).toBe(2);

    const logs = await body(id, 'logs');
    const match = /resumed from the checkpoint at bar (\d+) of (\d+)/.exec(logs);
    expect(match, logs).not.toBeNull();
    const [from, total] = [Number(match![1]), Number(match![2])];
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThan(total);
    console.info(`killed mid-run; the next worker resumed at bar ${from} of ${total}`);
    // The live channel said so too, on the progress event that started the second attempt.
    const client = watch(`${rig.http.replace('http', 'ws')}/ws/backtest/${id}?after=0`, {
      ...bearer(KEYS.bob),
    });
    await client.closed;
    const announced = client.events.find(
      (event) =>
        event.type === 'progress' && (event.data as ProgressData).resumedFromBar !== undefined,
    );
    expect((announced?.data as ProgressData | undefined)?.resumedFromBar).toBe(from);
    expect(existsSync(join(rig.dataRoot, 'checkpoints', id))).toBe(false);

    // The same run from start to end, computed again (cache: false), never interrupted.
    const again = await rig.submit({ ...request, cache: false });
    const { id: reference } = (await again.json()) as { id: string };
    await rig.waitFor(reference, (r) => r.status === 'completed', 'completed', 240_000);
    for (const [path, accept] of [
      ['equity', 'text/csv'],
      ['trades', 'text/csv'],
    ] as const) {
      const [a, b] = [await body(id, path, accept), await body(reference, path, accept)];
      expect(a.length).toBeGreaterThan(1000);
      expect(a === b, `${path} differs`).toBe(true);
    }
    const stats = async (of: string) =>
      (JSON.parse(await body(of, 'result')) as { stats: unknown }).stats;
    expect(await stats(id)).toEqual(await stats(reference));
  }, 600_000);
});
