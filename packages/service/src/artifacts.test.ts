import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trade } from '@hindsight/engine';
import { newId } from '@hindsight/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARTIFACT_FILES,
  ARTIFACT_FORMAT_VERSION,
  type ResultManifest,
  readTaskArtifact,
  type TaskArtifacts,
  taskDir,
  toTradeRecord,
  writeTaskArtifacts,
} from './artifacts.js';

const trade: Trade = {
  symbol: 'GOOG',
  size: 10,
  entryBar: 3,
  exitBar: 8,
  entryTime: Date.UTC(2004, 9, 21),
  exitTime: Date.UTC(2004, 9, 28),
  entryPrice: 100,
  exitPrice: 110,
  pnl: 99.5,
  commission: 0.5,
  returnPct: 9.95,
  exitReason: 'signal',
};

let dataRoot: string;

beforeEach(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'hindsight-artifacts-'));
});

afterEach(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

describe('toTradeRecord', () => {
  it('gives the instants as ISO 8601 UTC and keeps every other field', () => {
    expect(toTradeRecord(trade)).toEqual({
      ...trade,
      entryTime: '2004-10-21T00:00:00.000Z',
      exitTime: '2004-10-28T00:00:00.000Z',
    });
  });
});

describe('readTaskArtifact of a result written in format 1', () => {
  it('serves its trades in the current units: ISO times, returnPct in percent', async () => {
    const id = newId();
    const dir = taskDir(dataRoot, id);
    await mkdir(dir, { recursive: true });
    // Format 1 stored the engine's Trade as it was: epoch ms and returnPct a fraction.
    const formatOne = { ...trade, returnPct: 0.0995 };
    await writeFile(
      join(dir, ARTIFACT_FILES.trades),
      JSON.stringify({
        trades: [formatOne],
        openTrades: [{ ...formatOne, exitReason: 'end_of_data' }],
      }),
    );
    await writeFile(join(dir, ARTIFACT_FILES.manifest), JSON.stringify({ id, formatVersion: 1 }));
    const record = { ...toTradeRecord(trade), returnPct: 0.0995 * 100 };
    expect(await readTaskArtifact(dataRoot, id, 'trades')).toEqual({
      trades: [record],
      openTrades: [{ ...record, exitReason: 'end_of_data' }],
    });
    expect((await readTaskArtifact(dataRoot, id, 'manifest'))?.formatVersion).toBe(
      ARTIFACT_FORMAT_VERSION,
    );
  });

  it('leaves trades of the current format as they are', async () => {
    const id = newId();
    const dir = taskDir(dataRoot, id);
    await mkdir(dir, { recursive: true });
    const stored = { trades: [toTradeRecord(trade)], openTrades: [] };
    await writeFile(join(dir, ARTIFACT_FILES.trades), JSON.stringify(stored));
    expect(await readTaskArtifact(dataRoot, id, 'trades')).toEqual(stored);
  });
});

describe('writeTaskArtifacts', () => {
  /** A result with `trades` closed trades over `bars` bars. */
  function artifactsOf(trades: number, bars: number): TaskArtifacts {
    const time = Float64Array.from(
      { length: bars },
      (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000,
    );
    const equity = Float64Array.from({ length: bars }, (_, i) => 10_000 + Math.sin(i) * 100);
    return {
      manifest: { id: 'x', fingerprint: 'f'.repeat(64) } as unknown as ResultManifest,
      equity: { time, equity, drawdownPct: equity.map((v) => v / 20_000 - 1) },
      trades: {
        trades: Array.from({ length: trades }, (_, i) =>
          toTradeRecord({ ...trade, entryBar: i, pnl: i / 7 }),
        ),
        openTrades: [toTradeRecord({ ...trade, exitReason: 'end_of_data' })],
      },
      stats: { returnPct: 1.5, trades, sharpeRatio: null } as unknown as TaskArtifacts['stats'],
    };
  }

  // Many trades: trades.json is written in several chunks and must still be the one document
  // JSON.stringify makes; the bytes it reports are what the owner's disk usage counts.
  it.each([
    [0, 10],
    [3, 2_000],
    [12_345, 20_000],
  ])(
    'writes %i trades over %i bars as JSON.stringify would, and says its bytes',
    async (n, bars) => {
      const id = newId();
      const artifacts = artifactsOf(n, bars);
      const { written, bytes, dir } = await writeTaskArtifacts(dataRoot, id, artifacts);
      expect(written).toBe(true);
      expect(dir).toBe(taskDir(dataRoot, id));
      expect(await readFile(join(dir, ARTIFACT_FILES.trades), 'utf8')).toBe(
        JSON.stringify(artifacts.trades),
      );
      expect(await readFile(join(dir, ARTIFACT_FILES.stats), 'utf8')).toBe(
        JSON.stringify(artifacts.stats),
      );
      const { time, equity, drawdownPct } = artifacts.equity;
      const columns = Buffer.concat(
        [time, equity, drawdownPct].map((c) => Buffer.from((c as Float64Array).buffer)),
      );
      expect((await readFile(join(dir, ARTIFACT_FILES.equity))).equals(columns)).toBe(true);
      const sizes = await Promise.all(
        (await readdir(dir)).map(async (name) => (await stat(join(dir, name))).size),
      );
      expect(bytes).toBe(sizes.reduce((a, b) => a + b, 0));
    },
  );

  it('keeps a complete result already there, and writes nothing: 0 bytes', async () => {
    const id = newId();
    await writeTaskArtifacts(dataRoot, id, artifactsOf(1, 10));
    expect(await writeTaskArtifacts(dataRoot, id, artifactsOf(2, 10))).toMatchObject({
      written: false,
      bytes: 0,
    });
    expect((await readTaskArtifact(dataRoot, id, 'trades'))?.trades).toHaveLength(1);
  });
});
