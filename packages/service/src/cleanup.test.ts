import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeStats } from '@hindsight/metrics';
import { newId, parseBacktestRequest } from '@hindsight/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARTIFACT_FILES,
  ARTIFACT_FORMAT_VERSION,
  EQUITY_PREVIEW_POINTS,
  type ResultManifest,
  readEquityPreview,
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
    files: {
      equity: ARTIFACT_FILES.equity,
      equityPreview: ARTIFACT_FILES.equityPreview,
      trades: ARTIFACT_FILES.trades,
      stats: ARTIFACT_FILES.stats,
    },
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
  it('writes the five files, and keeps the first result when a re-run writes again', async () => {
    const id = newId();
    const first = artifacts(id, NOW);
    expect(await writeTaskArtifacts(dataRoot, id, first)).toMatchObject({
      dir: taskDir(dataRoot, id),
      written: true,
    });
    const second = artifacts(id, NOW + 5000);
    expect((await writeTaskArtifacts(dataRoot, id, second)).written).toBe(false);
    expect(await readTaskArtifact(dataRoot, id, 'manifest')).toEqual(first.manifest);
    expect((await readdir(taskDir(dataRoot, id))).sort()).toEqual([
      'equity-preview.json',
      'equity.f64',
      'manifest.json',
      'stats.json',
      'trades.json',
    ]);
    // No temporary directory is left behind by either write.
    expect(await readdir(tasksRoot(dataRoot))).toEqual([id]);
    expect(await readTaskArtifact(dataRoot, newId(), 'stats')).toBeNull();
  });
});

describe('the equity artifact', () => {
  it('is 24 bytes a bar, read back exactly, with a preview of at most EQUITY_PREVIEW_POINTS keeping the extremes', async () => {
    const id = newId();
    const n = 1_000_000;
    const time = Float64Array.from({ length: n }, (_, i) => 1e12 + i * 60_000);
    const equity = Float64Array.from(
      { length: n },
      (_, i) => 1e5 + 1e4 * Math.sin(i / 5000) + i / 7,
    );
    const drawdownPct = Float64Array.from({ length: n }, (_, i) => -Math.abs(Math.cos(i / 3000)));
    await writeTaskArtifacts(dataRoot, id, {
      ...artifacts(id, NOW),
      equity: { time, equity, drawdownPct },
    });
    const file = await stat(join(taskDir(dataRoot, id), ARTIFACT_FILES.equity));
    expect(file.size).toBe(24 * n);
    const read = await readTaskArtifact(dataRoot, id, 'equity');
    // Byte comparisons: a deep equality of a million elements takes the test runner seconds.
    const bytes = (values: Float64Array | undefined) =>
      Buffer.from(values!.buffer, values!.byteOffset, values!.byteLength);
    expect(bytes(read?.time).equals(bytes(time))).toBe(true);
    expect(bytes(read?.equity).equals(bytes(equity))).toBe(true);
    expect(bytes(read?.drawdownPct).equals(bytes(drawdownPct))).toBe(true);
    const preview = await readEquityPreview(dataRoot, id);
    expect(preview?.points).toBe(n);
    expect(preview!.time.length).toBeLessThanOrEqual(EQUITY_PREVIEW_POINTS);
    expect(preview!.time[0]).toBe(time[0]);
    expect(preview!.time.at(-1)).toBe(time[n - 1]);
    expect(Math.max(...preview!.equity)).toBe(equity.reduce((a, b) => Math.max(a, b)));
    expect(Math.min(...preview!.drawdownPct)).toBe(drawdownPct.reduce((a, b) => Math.min(a, b)));
  });

  it('writes trades a thousand at a time into one JSON document', async () => {
    const id = newId();
    const trade = {
      symbol: 'AAA',
      size: 1,
      entryBar: 0,
      exitBar: 1,
      entryTime: '2020-01-01T00:00:00.000Z',
      exitTime: '2020-01-02T00:00:00.000Z',
      entryPrice: 1,
      exitPrice: 2,
      pnl: 1,
      commission: 0,
      returnPct: 100,
      exitReason: 'signal' as const,
    };
    const trades = Array.from({ length: 2500 }, (_, i) => ({ ...trade, entryBar: i }));
    await writeTaskArtifacts(dataRoot, id, {
      ...artifacts(id, NOW),
      trades: { trades, openTrades: [trade] },
    });
    expect(await readTaskArtifact(dataRoot, id, 'trades')).toEqual({ trades, openTrades: [trade] });
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
