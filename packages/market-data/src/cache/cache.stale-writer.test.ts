import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { barsOf, temporaryDirectory } from '../../test/helpers.js';
import { MarketDataCache, type SeriesKey } from './cache.js';

// Holds the next data-file write until released: a writer that read the latest version, then
// stalled (a slow disk, a paused process) while others committed.
const gate = vi.hoisted(() => ({
  armed: false,
  reached: () => {},
  release: Promise.resolve(),
}));
vi.mock('./parquet/bars-file.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./parquet/bars-file.js')>();
  return {
    ...actual,
    writeBarsFile: async (...args: Parameters<typeof actual.writeBarsFile>) => {
      if (gate.armed) {
        gate.armed = false;
        gate.reached();
        await gate.release;
      }
      return actual.writeBarsFile(...args);
    },
  };
});

const KEY: SeriesKey = { source: 'synthetic', symbol: 'STALE', timeframe: '1m' };
const slice = (index: number) =>
  barsOf(Array.from({ length: 5 }, (_, i) => [(index * 5 + i) * 60_000, 10, 11, 9, 10, index]));
const coverage = (index: number) => ({ from: index * 300_000, to: (index + 1) * 300_000 });

describe('a writer that stalls while others commit', () => {
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    directory = await temporaryDirectory();
  });
  afterEach(async () => {
    await directory.remove();
  });

  it('does not publish over a version number that clean-up freed', async () => {
    const slow = new MarketDataCache({ dataRoot: directory.path });
    const others = new MarketDataCache({ dataRoot: directory.path });
    try {
      await others.write(KEY, slice(0), { coverage: coverage(0) });
      let release = () => {};
      gate.release = new Promise<void>((resolve) => {
        release = resolve;
      });
      const reached = new Promise<void>((resolve) => {
        gate.reached = resolve;
      });
      gate.armed = true;
      // The slow writer has read version 1 and means to publish version 2.
      const stalled = slow.write(KEY, slice(1), { coverage: coverage(1) });
      await reached;
      for (const index of [2, 3, 4])
        await others.write(KEY, slice(index), { coverage: coverage(index) });
      // Versions 2-4 are committed; clean-up after version 4 deleted versions 1 and 2.
      const names = await readdir(
        join(directory.path, 'market-data', 'series', 'synthetic', 'STALE', '1m'),
      );
      expect(names.filter((name) => name.endsWith('.json')).sort()).toEqual([
        'v0000000003.json',
        'v0000000004.json',
      ]);
      release();
      const info = await stalled;
      expect(info.version).toBe(5);
      const final = await others.read(KEY);
      expect(final!.info.version).toBe(5);
      expect(Array.from(new Set(final!.bars.volume))).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await slow.close();
      await others.close();
    }
  });
});
