import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeStats } from '@hindsight/metrics';
import { newId, parseBacktestRequest } from '@hindsight/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARTIFACT_FORMAT_VERSION,
  type ResultManifest,
  readTaskArtifact,
  type TaskArtifacts,
  taskDir,
  tasksRoot,
  writeTaskArtifacts,
} from './artifacts.js';
import { cleanupResults } from './cleanup.js';

const DAY = 86_400_000;
const NOW = Date.parse('2030-06-15T12:00:00Z');
const STATS = computeStats({
  time: Float64Array.from([1, 2]),
  equity: Float64Array.from([100, 101]),
  close: Float64Array.from([1, 1]),
  trades: [],
  openTrades: [],
  warmup: 0,
  conventions: 'hindsight',
});

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-cleanup-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

function artifacts(id: string, finishedAt: number): TaskArtifacts {
  const manifest: ResultManifest = {
    formatVersion: ARTIFACT_FORMAT_VERSION,
    id,
    ownerId: 'alice',
    name: 'test',
    config: parseBacktestRequest({
      strategy: { name: 'buy_and_hold' },
      symbols: ['synthetic:AAA'],
      start: '2020-01-01',
      end: '2020-02-01',
    }),
    params: {},
    fingerprint: 'f'.repeat(64),
    engineVersion: '0.1.0',
    data: [],
    files: { equity: 'equity.json', trades: 'trades.json', stats: 'stats.json' },
    createdAt: new Date(finishedAt - 1000).toISOString(),
    startedAt: null,
    finishedAt: new Date(finishedAt).toISOString(),
    reusedFrom: null,
  };
  return {
    manifest,
    equity: { time: [1, 2], equity: [100, 101], drawdownPct: [0, 0] },
    trades: { trades: [], openTrades: [] },
    stats: STATS,
  };
}

describe('writeTaskArtifacts', () => {
  it('writes the four files, and keeps the first result when a re-run writes again', async () => {
    const id = newId();
    const first = artifacts(id, NOW);
    expect(await writeTaskArtifacts(dataRoot, id, first)).toEqual({
      dir: taskDir(dataRoot, id),
      written: true,
    });
    const second = artifacts(id, NOW + 5000);
    expect((await writeTaskArtifacts(dataRoot, id, second)).written).toBe(false);
    expect(await readTaskArtifact(dataRoot, id, 'manifest')).toEqual(first.manifest);
    expect((await readdir(taskDir(dataRoot, id))).sort()).toEqual([
      'equity.json',
      'manifest.json',
      'stats.json',
      'trades.json',
    ]);
    // No temporary directory is left behind by either write.
    expect(await readdir(tasksRoot(dataRoot))).toEqual([id]);
    expect(await readTaskArtifact(dataRoot, newId(), 'stats')).toBeNull();
  });
});

describe('cleanupResults', () => {
  it('removes only results finished before the cut-off and says what it removed', async () => {
    const old = newId();
    const recent = newId();
    await writeTaskArtifacts(dataRoot, old, artifacts(old, NOW - 8 * DAY));
    await writeTaskArtifacts(dataRoot, recent, artifacts(recent, NOW - 6 * DAY));
    const report = await cleanupResults({ dataRoot, olderThanMs: 7 * DAY, now: NOW });
    expect(report.removed.map((r) => [r.id, r.finishedAt, r.partial])).toEqual([
      [old, new Date(NOW - 8 * DAY).toISOString(), false],
    ]);
    expect(report.removed[0]!.bytes).toBeGreaterThan(0);
    expect(report.bytesRemoved).toBe(report.removed[0]!.bytes);
    expect(report.kept).toBe(1);
    expect(existsSync(taskDir(dataRoot, old))).toBe(false);
    expect(existsSync(taskDir(dataRoot, recent))).toBe(true);
  });

  it('dates a result without a readable manifest by its directory, and clears old partial writes', async () => {
    const orphan = join(tasksRoot(dataRoot), newId());
    const partial = join(tasksRoot(dataRoot), '.tmp-abc-0001');
    const freshPartial = join(tasksRoot(dataRoot), '.tmp-def-0002');
    for (const dir of [orphan, partial, freshPartial]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'equity.json'), '{}');
    }
    const tenDaysAgo = new Date(NOW - 10 * DAY);
    await utimes(orphan, tenDaysAgo, tenDaysAgo);
    await utimes(partial, tenDaysAgo, tenDaysAgo);
    await utimes(freshPartial, new Date(NOW), new Date(NOW));
    const dryRun = await cleanupResults({ dataRoot, olderThanMs: 7 * DAY, now: NOW, dryRun: true });
    expect(dryRun.removed).toHaveLength(2);
    expect(existsSync(orphan)).toBe(true);
    const report = await cleanupResults({ dataRoot, olderThanMs: 7 * DAY, now: NOW });
    expect(report.removed.map((r) => [r.path, r.partial])).toEqual([
      [partial, true],
      [orphan, false],
    ]);
    expect(existsSync(freshPartial)).toBe(true);
  });

  it('reports nothing when there is no tasks directory yet', async () => {
    expect(await cleanupResults({ dataRoot, olderThanMs: 0, now: NOW })).toEqual({
      removed: [],
      kept: 0,
      bytesRemoved: 0,
    });
  });
});
