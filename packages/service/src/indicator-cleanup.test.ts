import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupIndicators, indicatorsRoot } from './indicator-cleanup.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-15T12:00:00Z');

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-indicator-cleanup-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

/** A file of `bytes` bytes under the cache, last used `ageMs` before NOW. */
async function file(name: string, ageMs: number, bytes = 80): Promise<string> {
  const path = join(indicatorsRoot(dataRoot), name.slice(0, 2), name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.alloc(bytes));
  const at = new Date(NOW - ageMs);
  await utimes(path, at, at);
  return path;
}

describe('cleanupIndicators', () => {
  it('removes series unused for the age and abandoned writes, keeps the rest', async () => {
    const stale = await file('aa01.f64', 8 * DAY, 800);
    const used = await file('aa02.f64', 6 * DAY);
    const otherFanOut = await file('bb01.f64', 30 * DAY, 160);
    const abandoned = await file('aa03.f64.123-abcd.tmp', 2 * 3_600_000, 40);
    const writing = await file('aa04.f64.456-ef01.tmp', 1_000);
    const foreign = await file('aa05.txt', 30 * DAY);

    const dryRun = await cleanupIndicators({
      dataRoot,
      olderThanMs: 7 * DAY,
      now: NOW,
      dryRun: true,
    });
    expect(dryRun).toEqual({ removed: 3, kept: 1, bytesRemoved: 800 + 160 + 40 });
    expect(existsSync(stale), 'a dry run removes nothing').toBe(true);

    expect(await cleanupIndicators({ dataRoot, olderThanMs: 7 * DAY, now: NOW })).toEqual(dryRun);
    expect([stale, otherFanOut, abandoned].map(existsSync)).toEqual([false, false, false]);
    expect([used, writing, foreign].map(existsSync)).toEqual([true, true, true]);
    expect(existsSync(join(indicatorsRoot(dataRoot), 'bb')), 'fan-out directories stay').toBe(true);
  });

  it('reports nothing when the cache was never written, and refuses a negative age', async () => {
    expect(await cleanupIndicators({ dataRoot, olderThanMs: 0, now: NOW })).toEqual({
      removed: 0,
      kept: 0,
      bytesRemoved: 0,
    });
    await expect(cleanupIndicators({ dataRoot, olderThanMs: -1 })).rejects.toThrow(RangeError);
  });
});
