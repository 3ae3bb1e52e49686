import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultRig, longRun, startFaultRig } from './fault-harness.js';

/**
 * A worker SIGKILLed while it writes a result leaves a `.tmp-*` directory; `cleanup` took it only
 * after TASK_RESULT_TTL_DAYS. The next worker start removes it.
 */
let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function partials(tasks: string): string[] {
  try {
    return readdirSync(tasks).filter((name) => name.startsWith('.tmp-'));
  } catch {
    return [];
  }
}

describe('a worker killed while saving a result', () => {
  it('leaves a partial directory that the next worker start removes', async () => {
    rig = await startFaultRig();
    await rig.startApi();
    const tasks = join(rig.dataRoot, 'tasks');
    let orphan: string | undefined;
    // The write takes a few milliseconds; a try whose kill comes after the rename proves
    // nothing, so it runs again with a new backtest.
    for (let attempt = 0; attempt < 5 && !orphan; attempt++) {
      await rig.startWorker();
      const response = await rig.submit(longRun(`SAVE${attempt}`, 10));
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      await rig.waitFor(id, (r) => r.progress >= 0.5, 'half done');
      const deadline = Date.now() + 60_000;
      // A tight synchronous loop: the kill must land while the directory exists.
      while (Date.now() < deadline) {
        const found = partials(tasks);
        if (found.length > 0) {
          rig.worker?.child.kill('SIGKILL');
          orphan = found[0];
          break;
        }
        if ((await rig.get(id)).status === 'completed') break;
      }
      await rig.kill(rig.worker);
      if (orphan && !partials(tasks).includes(orphan)) orphan = undefined;
    }
    expect(orphan, 'a kill that landed during a save').toBeDefined();

    await rig.startWorker();
    expect(partials(tasks)).toEqual([]);
    expect(rig.worker?.output()).toContain('removed abandoned partial results');
  }, 300_000);
});
