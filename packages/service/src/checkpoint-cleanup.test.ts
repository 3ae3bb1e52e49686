import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDir } from './artifacts.js';
import { cleanupCheckpoints } from './checkpoint-cleanup.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-15T12:00:00Z');

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-checkpoint-cleanup-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

/** A checkpoint of `id` whose files were last written the given numbers of days before NOW. */
async function checkpoint(id: string, files: Record<string, [ageDays: number, bytes: number]>) {
  const dir = checkpointDir(dataRoot, id);
  await mkdir(dir, { recursive: true });
  for (const [name, [ageDays, bytes]] of Object.entries(files)) {
    const path = join(dir, name);
    await writeFile(path, Buffer.alloc(bytes));
    const at = new Date(NOW - ageDays * DAY);
    await utimes(path, at, at);
  }
  return dir;
}

describe('cleanupCheckpoints', () => {
  it('removes checkpoints not written for the age, judged by their newest file', async () => {
    const stale = await checkpoint('bt_stale', {
      'state.bin': [9, 100],
      'equity.f64': [10, 800],
    });
    const live = await checkpoint('bt_live', { 'state.bin': [0.001, 100], 'equity.f64': [8, 800] });
    const options = { dataRoot, olderThanMs: 7 * DAY, now: NOW };

    const dryRun = await cleanupCheckpoints({ ...options, dryRun: true });
    expect(dryRun).toEqual({ removed: 1, kept: 1, bytesRemoved: 900 });
    expect(existsSync(stale), 'a dry run removes nothing').toBe(true);

    expect(await cleanupCheckpoints(options)).toEqual(dryRun);
    expect([existsSync(stale), existsSync(live)]).toEqual([false, true]);
  });

  it('reports nothing without checkpoints, and refuses a negative age', async () => {
    expect(await cleanupCheckpoints({ dataRoot, olderThanMs: 0, now: NOW })).toEqual({
      removed: 0,
      kept: 0,
      bytesRemoved: 0,
    });
    await expect(cleanupCheckpoints({ dataRoot, olderThanMs: -1 })).rejects.toThrow(RangeError);
  });
});
