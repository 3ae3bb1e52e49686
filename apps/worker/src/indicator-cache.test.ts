import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeriesSpec } from '@hindsight/engine';
import { cleanupIndicators } from '@hindsight/service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IndicatorCache } from './indicator-cache.js';

const DAY = 86_400_000;
const SPEC: SeriesSpec = { name: 'sma', params: { period: 3 } };
const VALUES = Float64Array.from([Number.NaN, Number.NaN, 2, 3, 4]);

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-indicator-cache-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

describe('IndicatorCache and cleanup', () => {
  it('stamps a series at every read, so cleanup removes only the ones no longer read', async () => {
    const cache = new IndicatorCache(dataRoot);
    await cache.write('v1', SPEC, VALUES);
    await cache.write('v0', SPEC, VALUES);
    const monthAgo = new Date(Date.now() - 30 * DAY);
    for (const version of ['v1', 'v0']) {
      await utimes(cache.pathOf(version, SPEC), monthAgo, monthAgo);
    }
    // v1 is the data in use; v0's bars were re-imported since, so nothing reads its series.
    expect(await cache.read('v1', SPEC, VALUES.length)).toEqual(VALUES);
    const stamped = (await stat(cache.pathOf('v1', SPEC))).mtimeMs;
    expect(stamped, 'the read stamped the file').toBeGreaterThan(monthAgo.getTime());

    const report = await cleanupIndicators({ dataRoot, olderThanMs: 7 * DAY });
    expect(report).toMatchObject({ removed: 1, kept: 1 });
    expect(existsSync(cache.pathOf('v0', SPEC))).toBe(false);
    expect(existsSync(cache.pathOf('v1', SPEC))).toBe(true);

    // A removed series is computed again by the step that needs it.
    const [again] = await cache.ensure('v0', [SPEC], VALUES.length, () => VALUES);
    expect(again?.hit).toBe(false);
    expect(await cache.read('v0', SPEC, VALUES.length)).toEqual(VALUES);
  });
});
