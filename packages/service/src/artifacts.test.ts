import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trade } from '@hindsight/engine';
import { newId } from '@hindsight/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ARTIFACT_FILES,
  ARTIFACT_FORMAT_VERSION,
  readTaskArtifact,
  taskDir,
  toTradeRecord,
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
